import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useState } from 'preact/hooks'
import type { MyWorkspace, NewInvite, WorkspaceMemberRow } from '../../../client/team-api.ts'
import { ROLE_LABELS, WORKSPACE_ROLES, type WorkspaceRole } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import { useServices } from '../../services/services-context.ts'
import styles from './members-panel.css'

export interface MembersPanelProps {
  workspace: MyWorkspace
  /** null while they load. */
  members: readonly WorkspaceMemberRow[] | null
  userId: string
  /** After a change: list the members (and the person's own role) again. */
  onChanged: () => void
}

function isRole(value: string): value is WorkspaceRole {
  return (WORKSPACE_ROLES as readonly string[]).includes(value)
}

/** When an invite stops working, in the reader's own time zone. */
function expiryText(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/**
 * Who is in the workspace and with which role. Admins invite (a code to share, with its expiry),
 * change roles and remove people (after confirming); everyone else reads the list.
 */
export function MembersPanel({ workspace, members, userId, onChanged }: MembersPanelProps) {
  const { team } = useServices()
  const admin = workspace.role === 'admin'
  const [busy, setBusy] = useState<string | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [inviteRole, setInviteRole] = useState<WorkspaceRole>('operator')
  const [invite, setInvite] = useState<NewInvite | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)

  async function act(name: string, action: () => Promise<void>): Promise<void> {
    setBusy(name)
    setProblem(null)
    try {
      await action()
    } catch (caught) {
      setProblem(errorMessage(caught))
    } finally {
      setBusy(null)
    }
  }

  return (
    <section class={styles.panel} aria-labelledby="members-title" data-members-panel>
      <h2 id="members-title" class={styles.title}>
        Members of {workspace.name}
      </h2>
      {admin ? null : (
        <p class={styles.note} data-members-read-only>
          You are {workspace.role === 'operator' ? 'an operator' : `a${workspace.role === 'approver' ? 'n' : ''} ${workspace.role}`} here:
          only admins invite people and change roles.
        </p>
      )}
      {problem === null ? null : (
        <p class={styles.problem} role="alert">
          {problem}
        </p>
      )}
      {members === null ? <p class={styles.note}>Loading the members…</p> : null}
      <ul class={styles.list} aria-label="Members">
        {(members ?? []).map((member) => {
          const you = member.user_id === userId
          const name = `${member.display_name}${you ? ' (you)' : ''}`
          return (
            <li key={member.user_id} class={styles.member} data-member={member.display_name}>
              <span class={styles.name}>{name}</span>
              {admin && !workspace.personal ? (
                <label class={styles.roleField}>
                  <span class={styles.hidden}>Role of {member.display_name}</span>
                  <select
                    class={styles.select}
                    value={member.role}
                    disabled={busy !== null}
                    data-member-role
                    onChange={(event) => {
                      const role = event.currentTarget.value
                      if (isRole(role))
                        void act('role', async () => {
                          await team.setMemberRole(workspace.id, member.user_id, role)
                          onChanged()
                        })
                    }}
                  >
                    {WORKSPACE_ROLES.map((role) => (
                      <option key={role} value={role}>
                        {ROLE_LABELS[role]}
                      </option>
                    ))}
                  </select>
                </label>
              ) : (
                <span class={styles.role} data-member-role-text>
                  {isRole(member.role) ? ROLE_LABELS[member.role] : member.role}
                </span>
              )}
              {admin && !workspace.personal && !you ? (
                confirming === member.user_id ? (
                  <span class={styles.confirm} role="group" aria-label={`Remove ${member.display_name}?`} data-confirm-remove>
                    <span>Remove {member.display_name}? Their runs stay.</span>
                    <Button
                      danger
                      disabled={busy !== null}
                      data-confirm-remove-yes
                      onClick={() =>
                        void act('remove', async () => {
                          await team.removeMember(workspace.id, member.user_id)
                          setConfirming(null)
                          onChanged()
                        })
                      }
                    >
                      Remove
                    </Button>
                    <Button secondary onClick={() => setConfirming(null)} data-confirm-remove-no>
                      Keep
                    </Button>
                  </span>
                ) : (
                  <button
                    type="button"
                    class={styles.remove}
                    onClick={() => setConfirming(member.user_id)}
                    aria-label={`Remove ${member.display_name}`}
                    data-remove-member
                  >
                    Remove
                  </button>
                )
              ) : null}
            </li>
          )
        })}
      </ul>
      {admin && workspace.personal ? (
        <p class={styles.note}>Your personal workspace is yours alone: create a workspace below to invite people.</p>
      ) : null}
      {admin && !workspace.personal ? (
        <div class={styles.invite} data-invite>
          <h3 class={styles.subtitle}>Invite someone</h3>
          <div class={styles.row}>
            <label class={styles.roleField}>
              <span>Role</span>
              <select
                class={styles.select}
                value={inviteRole}
                data-invite-role
                onChange={(event) => {
                  const role = event.currentTarget.value
                  if (isRole(role)) setInviteRole(role)
                }}
              >
                {WORKSPACE_ROLES.map((role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                  </option>
                ))}
              </select>
            </label>
            <Button
              disabled={busy !== null}
              loading={busy === 'invite'}
              data-create-invite
              onClick={() =>
                void act('invite', async () => {
                  setInvite(await team.createInvite(workspace.id, inviteRole))
                  onChanged()
                })
              }
            >
              Create invite code
            </Button>
          </div>
          {invite === null ? null : (
            <div class={styles.code} data-invite-code-box>
              <label class={styles.codeField}>
                <span>Code for one {ROLE_LABELS[invite.role].toLowerCase()} (shown once: copy it now)</span>
                <input
                  class={styles.codeText}
                  readOnly
                  value={invite.code}
                  data-invite-code
                  onFocus={(event) => event.currentTarget.select()}
                />
              </label>
              <p class={styles.note} data-invite-expiry>
                Works once, until {expiryText(invite.expiresAt)}. They paste it under “Join with an invite code”.
              </p>
            </div>
          )}
        </div>
      ) : null}
    </section>
  )
}
