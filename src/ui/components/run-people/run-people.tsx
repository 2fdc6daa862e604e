import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { RunPeople as People } from '../../../client/team-api.ts'
import type { RunRow } from '../../../client/types.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import { useServices } from '../../services/services-context.ts'
import styles from './run-people.css'

/** What changes who is named: a decision (step results), a cancel, the status. Not every log batch. */
function peopleKey(run: RunRow): string {
  const decisions = Object.values(run.step_results)
    .map((result) => (Array.isArray(result.approvals) ? result.approvals.length : 0) + (result.decision === undefined ? 0 : 1))
    .join(',')
  return `${run.id}|${run.status}|${run.cancel_requested}|${decisions}`
}

/** Who started the run, who approved or rejected it, and who canceled it, by name. */
export function RunPeople({ run }: { run: RunRow }) {
  const { team } = useServices()
  const [people, setPeople] = useState<People | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const key = peopleKey(run)
  useEffect(() => {
    let stopped = false
    team.runPeople(run).then(
      (found) => {
        if (stopped) return
        setPeople(found)
        setProblem(null)
      },
      (caught: unknown) => !stopped && setProblem(errorMessage(caught)),
    )
    return () => {
      stopped = true
    }
    // `run` changes with every log batch; `key` only when someone did something to it.
  }, [team, key])
  if (problem !== null) return <p class={styles.people}>{problem}</p>
  if (people === null) return null
  const parts = [`Started by ${people.startedBy}`]
  for (const decision of people.decisions) {
    parts.push(
      `${decision.decision === 'approved' ? 'approved' : 'rejected'} by ${decision.by}${decision.comment ? ` (“${decision.comment}”)` : ''}`,
    )
  }
  if (people.canceledBy !== null) parts.push(`canceled by ${people.canceledBy}`)
  return (
    <p class={styles.people} data-run-people>
      {parts.join(' · ')}
    </p>
  )
}
