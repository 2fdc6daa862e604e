/**
 * What the store writes for a run, made safe to keep: every text masked with the run's masker,
 * then cut to size. Masking comes first, so a cut never leaves the start of a secret showing.
 */
import type { ArtifactInput, EventInput } from '../database/index.ts'
import { maskDeep, type Mask } from '../runbook/index.ts'

export const MAX_MESSAGE_CHARS = 8 * 1024
export const MAX_DATA_BYTES = 64 * 1024
/** How much of oversized event data is kept, as JSON text. */
const DATA_PREVIEW_CHARS = 4096

/** An event with its message and every string of its data (keys too) masked, then capped. */
export function maskedEvent(event: EventInput, mask: Mask): EventInput {
  let message = mask(event.message)
  if (message.length > MAX_MESSAGE_CHARS) {
    message = `${message.slice(0, MAX_MESSAGE_CHARS)}… [${message.length - MAX_MESSAGE_CHARS} more characters not kept]`
  }
  const masked: EventInput = { ...event, message }
  if (event.data !== undefined) {
    const data = maskDeep(event.data, mask)
    const json = JSON.stringify(data)
    masked.data = json.length > MAX_DATA_BYTES ? { truncated: true, preview: json.slice(0, DATA_PREVIEW_CHARS) } : data
  }
  return masked
}

/**
 * An artifact with its texts masked, or null for a link whose URL holds a secret: a masked URL
 * is no longer a link, and the real one would leak the secret.
 */
export function maskedArtifact(artifact: ArtifactInput, mask: Mask): ArtifactInput | null {
  if (artifact.url !== undefined && mask(artifact.url) !== artifact.url) return null
  return maskDeep(artifact, mask)
}
