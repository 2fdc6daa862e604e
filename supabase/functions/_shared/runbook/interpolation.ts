/**
 * The project's public values a template may name as `${{ project.<name> }}`: what every client of
 * the project already holds. They are not secrets: the executor hands them to any run, and only
 * towards the project's own host.
 */
const PROJECT_VALUES = ['url', 'anon_key'] as const
export type ProjectValue = (typeof PROJECT_VALUES)[number]

/** What a `${{ … }}` expression may name. */
export type Reference =
  | { namespace: 'env' }
  | { namespace: 'inputs'; name: string }
  | { namespace: 'secrets'; name: string }
  | { namespace: 'project'; name: ProjectValue }

/** A string split into literal text and references; offsets point at "${{" and after "}}". */
export type TemplatePart = string | { reference: Reference; start: number; end: number }

export interface InterpolationProblem {
  offset: number
  message: string
  expected?: string
}

const REFERENCE_EXPECTED = 'inputs.<key>, secrets.<NAME>, project.url, project.anon_key or env'

const OPEN = '${{'
const CLOSE = '}}'
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/

export function scanInterpolation(text: string): { parts: TemplatePart[]; problems: InterpolationProblem[] } {
  const parts: TemplatePart[] = []
  const problems: InterpolationProblem[] = []
  let from = 0
  while (from < text.length) {
    const start = text.indexOf(OPEN, from)
    if (start === -1) break
    const close = text.indexOf(CLOSE, start + OPEN.length)
    if (close === -1) {
      problems.push({ offset: start, message: `"${OPEN}" is never closed`, expected: `"${CLOSE}" after the expression` })
      break
    }
    if (start > from) parts.push(text.slice(from, start))
    const end = close + CLOSE.length
    const parsed = parseExpression(text.slice(start + OPEN.length, close).trim())
    if ('reference' in parsed) parts.push({ reference: parsed.reference, start, end })
    else problems.push({ offset: start, ...parsed.problem })
    from = end
  }
  if (from < text.length) parts.push(text.slice(from))
  return { parts, problems }
}

function parseExpression(expression: string): { reference: Reference } | { problem: { message: string; expected: string } } {
  if (expression === '') return { problem: { message: `empty "${OPEN} ${CLOSE}"`, expected: REFERENCE_EXPECTED } }
  if (expression === 'env') return { reference: { namespace: 'env' } }
  if (!DOTTED.test(expression)) {
    return { problem: { message: `malformed expression "${expression}"`, expected: REFERENCE_EXPECTED } }
  }
  const dot = expression.indexOf('.')
  const namespace = dot === -1 ? expression : expression.slice(0, dot)
  const name = dot === -1 ? '' : expression.slice(dot + 1)
  if ((namespace === 'inputs' || namespace === 'secrets') && NAME.test(name)) {
    return { reference: { namespace, name } }
  }
  if (namespace === 'inputs' || namespace === 'secrets') {
    return { problem: { message: `malformed expression "${expression}"`, expected: `${namespace}.<name>` } }
  }
  if (namespace === 'project') {
    const value = PROJECT_VALUES.find((known) => known === name)
    if (value) return { reference: { namespace, name: value } }
    return {
      problem: { message: `unknown project value "${expression}"`, expected: PROJECT_VALUES.map((v) => `project.${v}`).join(' or ') },
    }
  }
  return { problem: { message: `unknown reference "${expression}"`, expected: REFERENCE_EXPECTED } }
}

export function formatReference(reference: Reference): string {
  return reference.namespace === 'env' ? 'env' : `${reference.namespace}.${reference.name}`
}

/** The canonical spelling a reference keeps in a plan until it is bound. */
function referenceExpression(reference: Reference): string {
  return `${OPEN} ${formatReference(reference)} ${CLOSE}`
}

export interface InterpolateOptions {
  /**
   * The text is a URL: an input or env value placed anywhere but at its very start (where it
   * gives the scheme and host, as in `${{ inputs.base_url }}/health`) is percent-encoded, so its
   * `/`, `?`, `#` or `@` cannot change the URL's host, path or query. Secret and project values
   * are used as they are (a webhook URL is a secret).
   */
  url?: boolean
}

/**
 * Replaces references by what `resolve` returns, in one pass over `text`: what a reference is
 * replaced with is never scanned again. A reference `resolve` returns undefined for stays in
 * place in canonical form. Malformed expressions are left as written (validation reports them).
 */
export function interpolate(text: string, resolve: (reference: Reference) => string | undefined, options: InterpolateOptions = {}): string {
  if (!text.includes(OPEN)) return text
  const { parts, problems } = scanInterpolation(text)
  if (problems.length > 0) return text
  return parts
    .map((part) => {
      if (typeof part === 'string') return part
      const value = resolve(part.reference)
      if (value === undefined) return referenceExpression(part.reference)
      const fromOutside = part.reference.namespace === 'inputs' || part.reference.namespace === 'env'
      return options.url === true && fromOutside && part.start > 0 ? encodeURIComponent(value) : value
    })
    .join('')
}

/** Every well-formed reference in a string. */
export function referencesIn(text: string): Reference[] {
  if (!text.includes(OPEN)) return []
  return scanInterpolation(text).parts.flatMap((part) => (typeof part === 'string' ? [] : [part.reference]))
}

/** The text with each reference replaced by a placeholder, for checking the shape of what surrounds it. */
export function withPlaceholders(text: string, placeholder: string): string {
  return interpolate(text, () => placeholder)
}
