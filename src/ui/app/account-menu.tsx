import { h } from 'preact'
import type { FigmaUser } from '../../client/types.ts'
import type { SessionUser } from '../hooks/use-session.ts'
import styles from './account-menu.css'

export interface AccountMenuProps {
  user: SessionUser
  figmaUser: FigmaUser | null
  /** A guest's way to keep their work: add an email to the same account. */
  onSaveWork: () => void
  onSignOut: () => void
}

/** Who is signed in, a guest's way to keep their work, and signing out. */
export function AccountMenu({ user, figmaUser, onSaveWork, onSignOut }: AccountMenuProps) {
  const who = user.email ?? (user.anonymous ? 'Guest' : 'Signed in')
  // A guest's Figma name goes in the tooltip: the header has room for the way to keep their work.
  const figmaName = user.anonymous && user.email === null && figmaUser !== null ? ` (${figmaUser.name} in Figma)` : ''
  return (
    <span class={styles.account}>
      <span class={styles.who} title={`Supabase user ${user.id}${figmaName}`}>
        {who}
      </span>
      {user.anonymous ? (
        <button
          type="button"
          class={styles.saveWork}
          onClick={onSaveWork}
          title="Add an email to keep your runs and workspaces"
          data-save-work
        >
          Save your work
        </button>
      ) : null}
      <button type="button" class={styles.signOut} onClick={onSignOut} data-sign-out>
        Sign out
      </button>
    </span>
  )
}
