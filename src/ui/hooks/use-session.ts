import { useEffect, useState } from 'preact/hooks'
import type { OpsClient } from '../../client/supabase.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'

export interface SessionUser {
  id: string
  email: string | null
  anonymous: boolean
}

export type SessionState =
  { status: 'loading' } | { status: 'signed-out'; error: string | null } | { status: 'signed-in'; user: SessionUser }

/** The signed-in user of the client, following sign-in, sign-out and token refreshes. */
export function useSession(client: OpsClient): SessionState {
  const [state, setState] = useState<SessionState>({ status: 'loading' })
  useEffect(() => {
    let active = true
    setState({ status: 'loading' })
    const apply = (user: { id: string; email?: string | null; is_anonymous?: boolean } | null | undefined) => {
      if (!active) return
      setState(
        user
          ? { status: 'signed-in', user: { id: user.id, email: user.email || null, anonymous: user.is_anonymous === true } }
          : { status: 'signed-out', error: null },
      )
    }
    client.auth.getSession().then(
      ({ data, error }) => {
        if (!active) return
        if (error) setState({ status: 'signed-out', error: error.message })
        else apply(data.session?.user)
      },
      (error: unknown) => active && setState({ status: 'signed-out', error: errorMessage(error) }),
    )
    const { data } = client.auth.onAuthStateChange((_event, session) => apply(session?.user))
    return () => {
      active = false
      data.subscription.unsubscribe()
    }
  }, [client])
  return state
}
