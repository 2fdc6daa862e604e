/**
 * The Spec Kit document another view asked to open (a run's proposal links to its document): the
 * Spec Kit tab takes it when it opens, once.
 */
let requested: string | null = null

export function requestSpecDoc(docId: string): void {
  requested = docId
}

/** The requested document's id, forgotten as it is taken; null when none was asked for. */
export function takeRequestedSpecDoc(): string | null {
  const docId = requested
  requested = null
  return docId
}
