/**
 * The document the plugin was reopened on from its section's "Open in Spec Kit" button: the
 * shell remembers it at boot, and the Spec Kit tab opens on it once it has listed the documents.
 */
let pending: string | null = null

export function rememberRelaunchedDoc(docId: string | null): void {
  pending = docId
}

/** The slug of the relaunched document among `docs` (once; later listings keep the user's choice). */
export function takeRelaunchedDoc(docs: readonly { id: string; slug: string }[]): string | null {
  if (pending === null) return null
  const slug = docs.find((doc) => doc.id === pending)?.slug ?? null
  pending = null
  return slug
}
