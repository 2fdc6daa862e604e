/** A segment of a path into a template document: a mapping key or a list index. */
export type PathSegment = string | number

/** A problem with a template, pointing at the YAML node it is about. */
export interface TemplateError {
  /** 1-based. */
  line: number
  /** 1-based. */
  column: number
  /** Like "steps[2].with.url"; "" for the document as a whole. */
  path: string
  /** What is wrong. */
  message: string
  /** What would have been right, when that can be said. */
  expected?: string
}

/**
 * A problem found on the parsed value, before it is given a position in the source.
 * `offset` points inside the string at `path` (interpolation, conditions); `atKey` points at
 * the key rather than its value (unknown keys).
 */
export interface TemplateIssue {
  path: PathSegment[]
  message: string
  expected?: string
  offset?: number
  atKey?: boolean
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/

export function formatPath(path: readonly PathSegment[]): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }
  return out
}

/** One line a person can act on: `steps[1].kind: unknown step kind "htp"; expected one of … (line 14, column 11)`. */
export function formatTemplateError(error: TemplateError): string {
  const where = error.path === '' ? '' : `${error.path}: `
  const expected = error.expected === undefined ? '' : `; expected ${error.expected}`
  return `${where}${error.message}${expected} (line ${error.line}, column ${error.column})`
}

/** Values quoted the way messages show them: strings in quotes, long ones shortened. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value
    return JSON.stringify(shown)
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  // Parsed YAML and JSON hold nothing else; a function or symbol is named by its kind.
  return typeof value
}
