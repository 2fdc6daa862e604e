import { h } from 'preact'
import type { FigmaUser } from '../../client/types.ts'
import type { SessionUser } from '../hooks/use-session.ts'
import styles from './account-menu.css'

export interface AccountMenuProps {
  user: SessionUser
  figmaUser: FigmaUser | null
  onSignOut: () => void
}

/** Who is signed in, and signing out. */
export function AccountMenu({ user, figmaUser, onSignOut }: AccountMenuProps) {
  const who = user.email ?? (user.anonymous ? `Guest${figmaUser === null ? '' : ` (${figmaUser.name})`}` : 'Signed in')
  return (
    <span class={styles.account}>
      <span class={styles.who} title={`Supabase user ${user.id}`}>
        {who}
      </span>
      <button type="button" class={styles.signOut} onClick={onSignOut} data-sign-out>
        Sign out
      </button>
    </span>
  )
}
