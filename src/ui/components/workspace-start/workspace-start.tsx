import { Button, Textbox } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useState } from 'preact/hooks'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import { useServices } from '../../services/services-context.ts'
import styles from './workspace-start.css'

export interface WorkspaceStartProps {
  /** Only the personal workspace so far: say what a team workspace is for. */
  alone: boolean
  /** A workspace was created or joined: make it current. */
  onEntered: (workspaceId: string) => void
}

/** "Create a workspace" or "Join with an invite code". */
export function WorkspaceStart({ alone, onEntered }: WorkspaceStartProps) {
  const { team } = useServices()
  const [name, setName] = useState('')
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState<'create' | 'join' | null>(null)
  const [problem, setProblem] = useState<{ where: 'create' | 'join'; text: string } | null>(null)

  async function attempt(where: 'create' | 'join', action: () => Promise<string>): Promise<void> {
    setBusy(where)
    setProblem(null)
    try {
      const id = await action()
      setName('')
      setCode('')
      onEntered(id)
    } catch (caught) {
      setProblem({ where, text: errorMessage(caught) })
    } finally {
      setBusy(null)
    }
  }

  return (
    <section class={styles.start} aria-labelledby="workspace-start-title" data-workspace-start>
      <h2 id="workspace-start-title" class={styles.title}>
        {alone ? 'Work with your team' : 'Another workspace'}
      </h2>
      {alone ? (
        <p class={styles.note} data-alone>
          You work alone in your personal workspace. Create a workspace for your team, or join one with the invite code an admin gave you.
        </p>
      ) : null}
      <div class={styles.form}>
        <label class={styles.field}>
          <span>Create a workspace</span>
          <Textbox value={name} onValueInput={setName} placeholder="Team name" variant="border" data-new-workspace-name />
        </label>
        <Button
          disabled={busy !== null || name.trim() === ''}
          loading={busy === 'create'}
          onClick={() => void attempt('create', () => team.createWorkspace(name))}
          data-create-workspace
        >
          Create
        </Button>
      </div>
      {problem?.where === 'create' ? (
        <p class={styles.problem} role="alert">
          {problem.text}
        </p>
      ) : null}
      <div class={styles.form}>
        <label class={styles.field}>
          <span>Join with an invite code</span>
          <Textbox value={code} onValueInput={setCode} placeholder="ocr-…" variant="border" data-invite-code-input />
        </label>
        <Button
          secondary
          disabled={busy !== null || code.trim() === ''}
          loading={busy === 'join'}
          onClick={() => void attempt('join', () => team.joinWithCode(code))}
          data-join-workspace
        >
          Join
        </Button>
      </div>
      {problem?.where === 'join' ? (
        <p class={styles.problem} role="alert">
          {problem.text}
        </p>
      ) : null}
    </section>
  )
}
