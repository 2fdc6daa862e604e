import type { PathSegment, TemplateIssue } from './errors.ts'
import { formatReference, scanInterpolation, type Reference } from './interpolation.ts'
import { eachString } from './json.ts'
import type { Template } from './schema/template.ts'

/**
 * Every `${{ … }}` in step titles and `with` must be well formed and name something the template
 * declares. Titles are shown and stored unmasked, so they may not name a secret.
 */
export function checkReferences(template: Template): TemplateIssue[] {
  const issues: TemplateIssue[] = []
  const inputKeys = template.inputs.map((input) => input.key)
  const secretInputs = new Set(template.inputs.filter((input) => input.type === 'secret').map((input) => input.key))
  const secretNames = template.secrets.map((secret) => secret.name)

  const check = (text: string, path: PathSegment[], inTitle: boolean) => {
    const { parts, problems } = scanInterpolation(text)
    for (const problem of problems) issues.push({ path, ...problem })
    for (const part of parts) {
      if (typeof part === 'string') continue
      const message = referenceProblem(part.reference, inputKeys, secretNames)
      if (message !== null) issues.push({ path, offset: part.start, message })
      else if (inTitle && isSecret(part.reference, secretInputs)) {
        issues.push({
          path,
          offset: part.start,
          message: `a title cannot show ${formatReference(part.reference)}, which is secret`,
          expected: 'a title made of text, non-secret inputs.<key> and env',
        })
      }
    }
  }

  template.steps.forEach((step, index) => {
    check(step.title, ['steps', index, 'title'], true)
    eachString(step.with, ['steps', index, 'with'], (text, path) => check(text, path, false))
  })
  return issues
}

function referenceProblem(reference: Reference, inputKeys: string[], secretNames: string[]): string | null {
  if (reference.namespace === 'env' || reference.namespace === 'project') return null
  const [declared, noun] = reference.namespace === 'inputs' ? [inputKeys, 'inputs'] : [secretNames, 'secrets']
  if (declared.includes(reference.name)) return null
  const known = declared.length === 0 ? `the template declares no ${noun}` : `declared ${noun} are ${declared.join(', ')}`
  return `unknown reference "${formatReference(reference)}"; ${known}`
}

function isSecret(reference: Reference, secretInputs: ReadonlySet<string>): boolean {
  return reference.namespace === 'secrets' || (reference.namespace === 'inputs' && secretInputs.has(reference.name))
}
