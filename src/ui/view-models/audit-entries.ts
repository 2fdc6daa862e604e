/** The audit trail in words: what kinds of entry there are, and one sentence per entry. */
import type { AuditRow } from '../../client/workspace-governance.ts'
import { isRecord } from '../../is-record.ts'

/** Each kind of entry (the part of its action before the dot), as the filter names it. */
export const AUDIT_KINDS = [
  { kind: 'template', label: 'Templates' },
  { kind: 'environment', label: 'Environments' },
  { kind: 'approval', label: 'Approvals' },
  { kind: 'run', label: 'Runs' },
  { kind: 'member', label: 'Members' },
  { kind: 'invite', label: 'Invites' },
  { kind: 'secret', label: 'Secret bindings' },
  { kind: 'workspace', label: 'Workspace' },
] as const

export interface AuditEntryView {
  id: number
  at: string
  who: string
  /** What happened, after the person's name: "saved template deploy-web (version 3)". */
  what: string
  kind: string
}

export function auditEntryView(row: AuditRow, names: ReadonlyMap<string, string>): AuditEntryView {
  const detail = isRecord(row.detail) ? row.detail : {}
  const who = row.actor === null ? 'The deployment' : (names.get(row.actor) ?? 'A former member')
  const nameOf = (userId: string) => names.get(userId) ?? 'a former member'
  return { id: row.id, at: row.at, who, what: describe(row.action, row.target, detail, nameOf), kind: row.action.split('.')[0] ?? '' }
}

function describe(action: string, target: string, detail: Record<string, unknown>, nameOf: (userId: string) => string): string {
  const text = (key: string) => (typeof detail[key] === 'string' || typeof detail[key] === 'number' ? String(detail[key]) : null)
  switch (action) {
    case 'template.save':
      return `saved template ${target}${text('version') === null ? '' : ` (version ${text('version')})`}`
    case 'template.delete':
      return `deleted template ${target}`
    case 'environment.set':
      return `set environment ${target}: ${environmentWords(detail.after)}`
    case 'approval.approve':
      return `approved run ${target}${commentOf(detail)}`
    case 'approval.reject':
      return `rejected run ${target}${commentOf(detail)}`
    case 'run.cancel':
      return `canceled run ${target}`
    case 'member.join':
      return `joined as ${text('role') ?? 'a member'}`
    case 'member.role':
      return `made ${nameOf(target)} ${text('to') ?? 'something else'}${text('from') === null ? '' : ` (was ${text('from')})`}`
    case 'member.remove':
      return `removed ${nameOf(target)}${text('role') === null ? '' : ` (${text('role')})`}`
    case 'invite.create':
      return `created an invite for a ${text('role') ?? 'member'}`
    case 'invite.revoke':
      return 'revoked an invite'
    case 'secret.bind':
      return `bound secret ${target} to ${listOf(detail.hosts)}`
    case 'secret.unbind':
      return `unbound secret ${target}`
    case 'workspace.create':
      return `created workspace ${target}`
    case 'workspace.board_details':
      return `${detail.board_details === true ? 'allowed' : 'stopped'} details on boards`
    default:
      return `${action} ${target}`
  }
}

/** "protected, 2 approvals, no self-review" from an environment row as the audit keeps it. */
export function environmentWords(value: unknown): string {
  if (!isRecord(value)) return 'removed'
  if (value.protected !== true) return 'not protected'
  const count = typeof value.required_approvals === 'number' ? value.required_approvals : 1
  const selfReview = value.prevent_self_review === true ? 'no self-review' : 'self-review allowed'
  return `protected, ${count} ${count === 1 ? 'approval' : 'approvals'}, ${selfReview}`
}

function commentOf(detail: Record<string, unknown>): string {
  return typeof detail.comment === 'string' && detail.comment !== '' ? `: “${detail.comment}”` : ''
}

function listOf(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(', ') : 'no host'
}
