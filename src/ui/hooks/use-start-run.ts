import { useState } from 'preact/hooks'
import type { NewRun } from '../../client/types.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'

/**
 * Starting a run from a card: one start at a time, and the reason it failed kept for the card
 * to show. Shared by the intent bar's card and the template cards. `start` never rejects: a
 * failure becomes `error`.
 */
export function useStartRun(onStartRun: (run: NewRun) => Promise<void>) {
  const [starting, setStarting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const start = async (run: NewRun | null) => {
    if (run === null || starting) return
    setStarting(true)
    setError(null)
    try {
      await onStartRun(run)
    } catch (caught) {
      setError(errorMessage(caught))
    } finally {
      setStarting(false)
    }
  }
  return { starting, error, setError, start }
}
