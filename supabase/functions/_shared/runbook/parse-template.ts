import { describeValue, formatPath, type TemplateError, type TemplateIssue } from './errors.ts'
import { checkTemplate } from './checks.ts'
import { templateSchema, type Template } from './schema/template.ts'
import { issuesFromZod } from './schema/zod-issues.ts'
import { valueAt } from './json.ts'
import { lineIndex } from './yaml/line-index.ts'
import { loadYaml } from './yaml/load-yaml.ts'
import type { NodeMap } from './yaml/node-tracker.ts'

export type ParseTemplateResult = { ok: true; template: Template } | { ok: false; errors: TemplateError[] }
export type ValidateTemplateResult = { ok: true; template: Template } | { ok: false; issues: TemplateIssue[] }

const MAPPING_EXPECTED = 'a mapping with version, kind, title, inputs, secrets and steps'

/** Checks an already-loaded value (for templates that do not come from YAML text). */
export function validateTemplate(value: unknown): ValidateTemplateResult {
  if (value === null || value === undefined) {
    return { ok: false, issues: [{ path: [], message: 'the template is empty', expected: MAPPING_EXPECTED }] }
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, issues: [{ path: [], message: `the template is ${describeValue(value)}`, expected: MAPPING_EXPECTED }] }
  }
  const parsed = templateSchema.safeParse(value)
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error.issues, value) }
  const issues = checkTemplate(parsed.data)
  return issues.length === 0 ? { ok: true, template: parsed.data } : { ok: false, issues }
}

/** Parses and validates template YAML; every error carries the line and column of its node. */
export function parseTemplate(text: string): ParseTemplateResult {
  const loaded = loadYaml(text)
  const positionOf = lineIndex(loaded.text)
  if (!loaded.ok) {
    const { offset, path, message, expected } = loaded.problem
    return {
      ok: false,
      errors: [{ ...positionOf(offset), path: formatPath(path), message, ...(expected === undefined ? {} : { expected }) }],
    }
  }
  const validated = validateTemplate(loaded.value)
  if (validated.ok) return validated
  const errors = validated.issues.map((issue): TemplateError => {
    const error: TemplateError = {
      ...positionOf(issueOffset(issue, loaded.nodes, loaded.text, loaded.value)),
      path: formatPath(issue.path),
      message: issue.message,
    }
    if (issue.expected !== undefined) error.expected = issue.expected
    return error
  })
  errors.sort((a, b) => a.line - b.line || a.column - b.column)
  return { ok: false, errors }
}

/** The node an issue is about, or its nearest ancestor in the document when it is missing. */
function issueOffset(issue: TemplateIssue, nodes: NodeMap, text: string, root: unknown): number {
  for (let length = issue.path.length; length >= 0; length--) {
    const span = nodes.get(formatPath(issue.path.slice(0, length)))
    if (span === undefined) continue
    // An empty document has no node: point at its first line, not past its comments.
    if (length === 0 && span.empty) return 0
    const exact = length === issue.path.length
    if (exact && span.keyStart !== undefined && (issue.atKey === true || span.empty)) return span.keyStart
    if (exact && issue.offset !== undefined) {
      const { value } = valueAt(root, issue.path)
      return offsetInside(text, span.start, issue.offset, typeof value === 'string' ? value : undefined)
    }
    return span.empty && span.keyStart !== undefined ? span.keyStart : span.start
  }
  return 0
}

/**
 * Where an offset inside a string value falls in the source. Exact when the scalar is written on
 * one line without escapes (the source then equals the value); otherwise the scalar's start.
 */
function offsetInside(text: string, start: number, offset: number, value: string | undefined): number {
  const quoted = text[start] === '"' || text[start] === "'"
  const from = quoted ? start + 1 : start
  if (value !== undefined && !value.includes('\n') && text.startsWith(value, from)) return from + offset
  return start
}
