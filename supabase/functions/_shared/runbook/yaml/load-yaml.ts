import { CORE_SCHEMA, loadAll, YAMLException } from 'js-yaml'
import type { PathSegment } from '../errors.ts'
import { MAX_TEMPLATE_BYTES } from '../limits.ts'
import { NodeRejected, NodeTracker, type NodeMap } from './node-tracker.ts'

/** Deeper than any template needs, shallow enough that the recursive loader cannot overflow. */
const MAX_DEPTH = 64

interface YamlProblem {
  offset: number
  path: PathSegment[]
  message: string
  expected?: string
}

export type LoadedYaml = { ok: true; value: unknown; nodes: NodeMap; text: string } | { ok: false; problem: YamlProblem; text: string }

/**
 * Loads one YAML document with the core schema (plain JSON values: no dates, no binary, no
 * merge keys) and records where every node starts. Offsets refer to the returned text, which is
 * the input without a byte-order mark.
 */
export function loadYaml(input: string): LoadedYaml {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const fail = (problem: YamlProblem): LoadedYaml => ({ ok: false, problem, text })

  const size = byteLength(text)
  if (size > MAX_TEMPLATE_BYTES) {
    return fail({
      offset: 0,
      path: [],
      message: `the template is too large (${Math.ceil(size / 1024)} KiB)`,
      expected: `at most ${MAX_TEMPLATE_BYTES / 1024} KiB`,
    })
  }

  const tracker = new NodeTracker(MAX_DEPTH)
  let documents: unknown[]
  try {
    documents = loadAll(text, null, { schema: CORE_SCHEMA, listener: tracker.listener })
  } catch (error) {
    if (error instanceof NodeRejected) {
      return fail({ offset: error.offset, path: tracker.pathAtStop(false), message: error.reason, expected: error.expected })
    }
    if (error instanceof YAMLException) {
      // js-yaml bundles no types, so under Deno the error is untyped: name the fields used.
      const { reason, mark } = error as { reason: string; mark?: { position: number } }
      const described = describeYamlReason(reason)
      const offset = problemOffset(text, reason, mark?.position ?? 0, tracker.openNodeStart())
      return fail({ offset, path: tracker.pathAtStop(reason === 'duplicated mapping key'), ...described })
    }
    if (error instanceof RangeError) {
      return fail({ offset: 0, path: [], message: 'the document nests too deeply', expected: 'a flatter document' })
    }
    throw error
  }

  if (documents.length > 1) {
    return fail({
      offset: tracker.documentStart(1),
      path: [],
      message: 'a second YAML document starts here',
      expected: 'one template per file (no second "---")',
    })
  }
  return { ok: true, value: documents[0], nodes: tracker.nodeMap(0), text }
}

function byteLength(text: string): number {
  // Every character is at least one byte, so long texts are rejected without encoding them.
  if (text.length > MAX_TEMPLATE_BYTES) return text.length
  return new TextEncoder().encode(text).length
}

/**
 * The loader stops where it noticed the problem; a person looks for its cause: the opening
 * quote or bracket that never closes, the start of a line that is indented wrongly.
 */
function problemOffset(text: string, reason: string, offset: number, openNode: number | undefined): number {
  if (reason.startsWith('unexpected end of the stream within') && openNode !== undefined) return openNode
  if (reason.startsWith('bad indentation')) {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1
    const firstNonSpace = text.slice(lineStart).search(/[^ ]/)
    if (firstNonSpace !== -1 && lineStart + firstNonSpace <= offset) return lineStart + firstNonSpace
  }
  return offset
}

/** The loader's wording, made to say what to do about it where the cause is common. */
function describeYamlReason(reason: string): { message: string; expected?: string } {
  if (reason === 'duplicated mapping key') {
    return { message: 'duplicate key', expected: 'each key at most once in a mapping' }
  }
  if (reason.startsWith('tab characters must not be used')) {
    return { message: 'a tab is used for indentation', expected: 'spaces' }
  }
  if (reason.startsWith('bad indentation')) {
    return { message: `YAML syntax error: ${reason}`, expected: 'entries of one block indented by the same number of spaces' }
  }
  const unclosed = /^unexpected end of the stream within a (single|double) quoted scalar/.exec(reason)
  if (unclosed !== null) {
    const quote = unclosed[1] === 'single' ? "'" : '"'
    return { message: 'a quoted string is never closed', expected: `a closing ${quote}` }
  }
  if (reason.startsWith('unexpected end of the stream within a flow collection')) {
    return { message: 'a [ … ] or { … } is never closed', expected: 'a closing ] or }' }
  }
  if (reason.startsWith('missed comma between flow collection entries')) {
    return {
      message: 'a [ … ] or { … } has no comma before this entry, or is never closed',
      expected: '"," between entries and a closing ] or }',
    }
  }
  if (reason.startsWith('end of the stream or a document separator is expected')) {
    return { message: `YAML syntax error: ${reason}`, expected: 'key: value lines with consistent indentation' }
  }
  return { message: `YAML syntax error: ${reason}` }
}
