import { describe, expect, it } from 'vitest'
import type { AuditRow } from '../../src/client/workspace-governance.ts'
import { auditEntryView } from '../../src/ui/view-models/audit-entries.ts'

const names = new Map([
  ['u-ada', 'Ada'],
  ['u-bo', 'Bo'],
])

function row(action: string, target: string, detail: AuditRow['detail'], actor: string | null = 'u-ada'): AuditRow {
  return { id: 1, workspace_id: 'w', at: '2025-02-01T10:00:00Z', actor, action, target, detail, before_hash: null, after_hash: null }
}

describe('auditEntryView', () => {
  it.each([
    [row('template.save', 'deploy-web', { version: 3 }), 'Ada', 'saved template deploy-web (version 3)'],
    [
      row('environment.set', 'production', { after: { protected: true, required_approvals: 2, prevent_self_review: true } }),
      'Ada',
      'set environment production: protected, 2 approvals, no self-review',
    ],
    [row('approval.reject', 'r1', { comment: 'not now' }, 'u-bo'), 'Bo', 'rejected run r1: “not now”'],
    [row('member.role', 'u-bo', { from: 'viewer', to: 'approver' }), 'Ada', 'made Bo approver (was viewer)'],
    [row('member.remove', 'u-gone', { role: 'viewer' }, 'u-gone'), 'A former member', 'removed a former member (viewer)'],
    [
      row('secret.bind', 'GITHUB_TOKEN', { hosts: ['api.github.com'] }, null),
      'The deployment',
      'bound secret GITHUB_TOKEN to api.github.com',
    ],
    [row('future.thing', 'x', {}), 'Ada', 'future.thing x'],
  ])('says who did what: %#', (entry, who, what) => {
    const view = auditEntryView(entry, names)
    expect(view.who).toBe(who)
    expect(view.what).toBe(what)
  })

  it('keeps a hostile target as plain text', () => {
    expect(auditEntryView(row('template.save', '<img src=x onerror=alert(1)>', {}), names).what).toBe(
      'saved template <img src=x onerror=alert(1)>',
    )
  })
})
