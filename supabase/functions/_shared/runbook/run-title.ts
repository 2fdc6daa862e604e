/**
 * A run's title names what runs: the template, the inputs that tell one run of it from another
 * (action, service, ref, severity, title or summary) and the environment, e.g. "Deploy web:
 * rollback api @ main in production" or "Open an incident: sev2 “checkout errors” in production".
 * The card, the run row, the Runs list, the canvas card and the notices all show this one title.
 */
import type { Template } from './schema/template.ts'

const FREE_TEXT_CHARS = 60

const clip = (text: string) => (text.length > FREE_TEXT_CHARS ? `${text.slice(0, FREE_TEXT_CHARS - 1)}…` : text)

export function runTitle(template: Template, inputs: Readonly<Record<string, unknown>>, env: string): string {
  const secret = new Set(template.inputs.filter((input) => input.type === 'secret').map((input) => input.key))
  const value = (key: string): string | null => {
    const raw = inputs[key]
    if (secret.has(key) || !(typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean')) return null
    return String(raw).replace(/\s+/g, ' ').trim() || null
  }
  const action = value('action')
  // The action the template does anyway ("deploy" of Deploy web) says nothing; another one ("rollback") does.
  const actionInput = template.inputs.find((input) => input.key === 'action')
  const parts: string[] = []
  if (action !== null && action !== actionInput?.default) parts.push(action)
  const service = value('service')
  if (service !== null) parts.push(service)
  const ref = value('ref')
  if (ref !== null) parts.push(`@ ${ref}`)
  const severity = value('severity')
  if (severity !== null) parts.push(severity)
  for (const key of ['title', 'summary']) {
    const text = value(key)
    if (text !== null) parts.push(`“${clip(text)}”`)
  }
  return `${template.title}${parts.length > 0 ? `: ${parts.join(' ')}` : ''} in ${env}`
}
