/**
 * What the store writes for a run, made safe to keep: every text masked with the run's masker,
 * then cut to size. Masking comes first, so a cut never leaves the start of a secret showing.
 */
import type { ArtifactInput, EventInput } from '../database/index.ts'
import { maskDeep, type Mask } from '../runbook/index.ts'
import { lineBytes } from './log-bytes.ts'

export const MAX_MESSAGE_CHARS = 8 * 1024
export const MAX_DATA_BYTES = 64 * 1024
/** How much of oversized event data is kept, as JSON text. */
const DATA_PREVIEW_CHARS = 4096

/** A line as the store keeps it, and what it costs: its message plus its data as JSON, in bytes. */
export interface PreparedLine {
  event: EventInput
  bytes: number
}

/** An event with its message and every string of its data (keys too) masked, then capped. */
export function maskedEvent(event: EventInput, mask: Mask): EventInput {
  return preparedLine(event, mask).event
}

/**
 * maskedEvent, with the line's size. The data is masked where it stands (copied only on the way
 * to a masked string) and turned into JSON once, for its size; nothing is parsed back.
 */
export function preparedLine(event: EventInput, mask: Mask): PreparedLine {
  let message = mask(event.message)
  if (message.length > MAX_MESSAGE_CHARS) {
    message = `${message.slice(0, MAX_MESSAGE_CHARS)}… [${message.length - MAX_MESSAGE_CHARS} more characters not kept]`
  }
  const masked: EventInput = { ...event, message }
  if (event.data === undefined) return { event: masked, bytes: lineBytes(message, undefined) }
  const data = maskDeep(event.data, mask)
  let json = JSON.stringify(data)
  if (json.length > MAX_DATA_BYTES) {
    masked.data = { truncated: true, preview: json.slice(0, DATA_PREVIEW_CHARS) }
    json = JSON.stringify(masked.data)
  } else masked.data = data
  return { event: masked, bytes: lineBytes(message, json) }
}

/**
 * An artifact with its texts masked, or null for a link whose URL holds a secret: a masked URL
 * is no longer a link, and the real one would leak the secret.
 */
export function maskedArtifact(artifact: ArtifactInput, mask: Mask): ArtifactInput | null {
  if (artifact.url !== undefined && mask(artifact.url) !== artifact.url) return null
  return maskDeep(artifact, mask)
}
