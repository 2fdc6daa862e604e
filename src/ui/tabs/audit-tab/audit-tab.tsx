import { h } from 'preact'
import { AuditTrail } from '../../components/audit-trail/audit-trail.tsx'
import { EnvironmentsPanel } from '../../components/environments-panel/environments-panel.tsx'
import { useWorkspaceRole } from '../../hooks/use-workspace-role.ts'
import { roleAtLeast } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import styles from './audit-tab.css'

/** The workspace's rules and record: protected environments and secret bindings, and the audit trail. */
export function AuditTab() {
  const { role, error } = useWorkspaceRole()
  return (
    <div class={styles.tab}>
      {error === null ? null : (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
      {role === undefined ? null : <EnvironmentsPanel isAdmin={roleAtLeast(role, 'admin')} />}
      <AuditTrail />
    </div>
  )
}
