import type * as z from 'zod/mini'
import { describeValue, type PathSegment, type TemplateIssue } from '../errors.ts'
import { valueAt } from '../json.ts'

type ZodIssue = z.core.$ZodIssue

/** Zod's findings rewritten as template issues that say what was found and what was expected. */
export function issuesFromZod(issues: readonly ZodIssue[], input: unknown): TemplateIssue[] {
  return issues.flatMap((issue) => convert(issue, input))
}

function convert(issue: ZodIssue, input: unknown): TemplateIssue[] {
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol')
  const found = valueAt(input, path)
  const missing = (expected: string): TemplateIssue => ({
    path,
    message: `missing required field ${describeValue(String(path[path.length - 1] ?? ''))}`,
    expected,
  })

  switch (issue.code) {
    case 'unrecognized_keys':
      // The strict-object helper set the message to the list of allowed keys.
      return issue.keys.map((key) => ({ path: [...path, key], atKey: true, message: `unknown key "${key}"`, expected: issue.message }))
    case 'custom': {
      const expected = typeof issue.params?.expected === 'string' ? issue.params.expected : undefined
      if (!found.present && expected !== undefined) return [missing(expected)]
      return [{ path, message: issue.message, expected }]
    }
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected
      return [found.present ? { path, message: `got ${describeValue(found.value)}`, expected } : missing(expected)]
    }
    case 'invalid_value': {
      const expected = oneOf(issue.values)
      return [found.present ? { path, message: `${problemNoun(path)} ${describeValue(found.value)}`, expected } : missing(expected)]
    }
    case 'invalid_union': {
      if ('options' in issue && Array.isArray(issue.options)) {
        const expected = oneOf(issue.options)
        return [found.present ? { path, message: `${problemNoun(path)} ${describeValue(found.value)}`, expected } : missing(expected)]
      }
      return [{ path, message: `got ${describeValue(found.value)}`, expected: 'one of the allowed forms' }]
    }
    case 'too_small':
      return [{ path, ...sizeProblem(found.value, Number(issue.minimum), issue.inclusive !== false, 'at least', 'more than') }]
    case 'too_big':
      return [{ path, ...sizeProblem(found.value, Number(issue.maximum), issue.inclusive !== false, 'at most', 'less than') }]
    default:
      return [{ path, message: issue.message }]
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
}

function oneOf(values: readonly unknown[]): string {
  return values.length === 1 ? String(values[0]) : `one of ${values.map(String).join(', ')}`
}

/** How to name a value that is not among the allowed ones, by where it sits. */
function problemNoun(path: PathSegment[]): string {
  const last = path[path.length - 1]
  const parent = path[path.length - 3]
  if (path.length === 1 && last === 'version') return 'unsupported template version'
  if (last === 'kind' && parent === 'steps') return 'unknown step kind'
  if (last === 'kind' && path[path.length - 2] === 'artifact') return 'unknown artifact kind'
  if (last === 'type' && parent === 'inputs') return 'unknown input type'
  if (last === 'method') return 'unknown HTTP method'
  if (last === 'phase') return 'unknown phase'
  return 'unknown value'
}

function sizeProblem(
  value: unknown,
  limit: number,
  inclusive: boolean,
  inclusiveWord: string,
  exclusiveWord: string,
): { message: string; expected: string } {
  const bound = `${inclusive ? inclusiveWord : exclusiveWord} ${limit}`
  if (Array.isArray(value)) {
    return { message: value.length === 0 ? 'empty list' : `${value.length} items`, expected: `${bound} item${limit === 1 ? '' : 's'}` }
  }
  if (typeof value === 'string') return { message: `${value.length} characters`, expected: `${bound} characters` }
  return { message: `got ${describeValue(value)}`, expected: bound }
}
