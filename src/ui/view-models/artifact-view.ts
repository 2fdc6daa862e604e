/** How artifacts are offered: only web links open, file bodies show as text or download. */
import type { ArtifactRow } from '../../client/types.ts'

/** http(s) URLs only: a `javascript:` or `data:` link from a compromised step must not open. */
export function safeLinkUrl(url: string | null): string | null {
  if (url === null) return null
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : null
  } catch {
    return null
  }
}

const TEXT_MIME = /^(?:text\/|application\/(?:json|x-yaml|yaml|xml|x-ndjson)|.*\+json$)/

/** Whether a file's body can be shown inline as text. */
export function isTextFile(artifact: Pick<ArtifactRow, 'mime' | 'content'>): boolean {
  if (artifact.content === null) return false
  return artifact.mime === null || TEXT_MIME.test(artifact.mime)
}

/** A downloaded file never gets an HTML type, so opening it cannot run script in a browser tab. */
export function downloadMime(mime: string | null): string {
  if (mime === null || /html|xml|svg|javascript/i.test(mime)) return 'text/plain'
  return mime
}

export function formatBytes(size: number | null): string {
  if (size === null || !Number.isFinite(size) || size < 0) return ''
  if (size < 1024) return `${size} B`
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`
  return `${(size / 1024 / 1024).toFixed(1)} MB`
}

/** A file name for an artifact's download: its title made safe, with an extension from its type. */
export function artifactFileName(artifact: Pick<ArtifactRow, 'title' | 'kind' | 'mime'>): string {
  const base =
    artifact.title
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 80) || 'artifact'
  if (/\.[A-Za-z0-9]{1,5}$/.test(base)) return base
  if (artifact.kind === 'diff') return `${base}.diff`
  if (artifact.mime === 'application/json') return `${base}.json`
  return `${base}.txt`
}
