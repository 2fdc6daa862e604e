/**
 * Phoenix channel frames as realtime-js speaks them. vsn 2.0.0 (the client's default) sends text
 * frames holding `[join_ref, ref, topic, event, payload]`; vsn 1.0.0 sends the same five fields as
 * a JSON object. Decoding never throws: a frame that is not a message comes back as a reason, so a
 * hostile or buggy client can never take the server down.
 */
import { isJsonObject } from '../json-object.ts'

export type Vsn = '1.0.0' | '2.0.0'
export const SUPPORTED_VSN: readonly Vsn[] = ['2.0.0', '1.0.0']
export const isVsn = (value: unknown): value is Vsn => SUPPORTED_VSN.some((vsn) => vsn === value)

/** Phoenix refs are stringified integers, but nothing stops a client from sending numbers. */
export type Ref = string | number | null

export interface Message {
  joinRef: Ref
  ref: Ref
  topic: string
  event: string
  payload: Record<string, unknown>
}

export type Decoded =
  | { ok: true; message: Message }
  /** `ref`/`topic` are whatever could be salvaged, so the error can still be answered. */
  | { ok: false; reason: string; ref?: Ref; joinRef?: Ref; topic?: string }

const isRef = (value: unknown): value is Ref =>
  value === null || value === undefined || typeof value === 'string' || typeof value === 'number'

export function decode(text: string, vsn: Vsn): Decoded {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'frame is not valid JSON' }
  }
  let fields: unknown[]
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed)) return { ok: false, reason: 'vsn 2.0.0 frames must be [join_ref, ref, topic, event, payload]' }
    fields = parsed
  } else {
    if (!isJsonObject(parsed)) return { ok: false, reason: 'vsn 1.0.0 frames must be {join_ref, ref, topic, event, payload}' }
    fields = [parsed.join_ref, parsed.ref, parsed.topic, parsed.event, parsed.payload]
  }
  const [joinRef, ref, topic, event, payload] = fields
  const salvage = {
    ref: isRef(ref) ? (ref ?? null) : null,
    joinRef: isRef(joinRef) ? (joinRef ?? null) : null,
    topic: typeof topic === 'string' ? topic : undefined,
  }
  if (vsn === '2.0.0' && fields.length !== 5) {
    return { ok: false, reason: `expected 5 elements in the frame, got ${fields.length}`, ...salvage }
  }
  if (!isRef(joinRef) || !isRef(ref)) return { ok: false, reason: 'join_ref and ref must be strings or null', ...salvage }
  if (typeof topic !== 'string' || topic === '') return { ok: false, reason: 'topic must be a non-empty string', ...salvage }
  if (typeof event !== 'string' || event === '') return { ok: false, reason: 'event must be a non-empty string', ...salvage }
  if (!isJsonObject(payload)) return { ok: false, reason: 'payload must be a JSON object', ...salvage }
  return { ok: true, message: { joinRef: joinRef ?? null, ref: ref ?? null, topic, event, payload } }
}

/** Encodes one message; `payloadJson` lets the caller splice in a payload it serialised once. */
export function encodeRaw(vsn: Vsn, joinRef: Ref, ref: Ref, topic: string, event: string, payloadJson: string): string {
  const head = (value: unknown) => JSON.stringify(value ?? null)
  if (vsn === '2.0.0') {
    return `[${head(joinRef)},${head(ref)},${head(topic)},${head(event)},${payloadJson}]`
  }
  return `{"join_ref":${head(joinRef)},"ref":${head(ref)},"topic":${head(topic)},"event":${head(event)},"payload":${payloadJson}}`
}

export function encode(vsn: Vsn, joinRef: Ref, ref: Ref, topic: string, event: string, payload: unknown): string {
  return encodeRaw(vsn, joinRef, ref, topic, event, JSON.stringify(payload))
}

/**
 * The refs of a binary user-broadcast push (kind 3), which vsn 2.0.0 clients send for
 * `channel.send({type:'broadcast'})`: header bytes kind, join_ref, ref, topic, event and metadata
 * lengths, encoding, then the strings. Only used to answer the push with an error.
 */
export function binaryPushRefs(data: Buffer): { joinRef: string; ref: string; topic: string } | undefined {
  if (data.length < 7 || data[0] !== 3) return undefined
  const [joinRefLength, refLength, topicLength] = [data[1], data[2], data[3]]
  let offset = 7
  const take = (length: number) => {
    const text = data.subarray(offset, offset + length).toString('utf8')
    offset += length
    return text
  }
  if (data.length < offset + joinRefLength + refLength + topicLength) return undefined
  const joinRef = take(joinRefLength)
  const ref = take(refLength)
  const topic = take(topicLength)
  return { joinRef, ref, topic }
}
