/** @jsx h */
/**
 * Make a runbook button: pick a workspace and one of its templates, fill its inputs in (checked
 * as the plugin checks them, with the plan's problems shown), and place it. Secret-typed inputs
 * are not asked here: a button never keeps them; they are asked at each press.
 */
import { h } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import { Button, LoadingIndicator } from '@create-figma-plugin/ui'
import { emit } from '@create-figma-plugin/utilities'
import type { OpsServices } from '../../../src/ui/services/ops-services.ts'
import type { TemplateRow } from '../../../src/client/types.ts'
import type { FormValue } from '../../../src/ui/view-models/input-fields.ts'
import { InputControl } from '../../../src/ui/components/input-control/input-control.tsx'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'
import { buttonLabel } from '../card/runbook-button.ts'
import type { ButtonPlacedHandler } from '../messages.ts'
import { buttonFromCard, placementCard, revisionNumber } from './runbook-buttons.ts'
import { apiIn, myWorkspaces, type MyWorkspace } from './team.ts'
import { WorkspaceSelect } from './workspace-select.tsx'
import styles from './window.css'

export function PlaceButton(props: { services: OpsServices }) {
  const { client } = props.services
  const [workspaces, setWorkspaces] = useState<MyWorkspace[] | null>(null)
  const [workspaceId, setWorkspaceId] = useState('')
  const [templates, setTemplates] = useState<TemplateRow[] | null>(null)
  const [slug, setSlug] = useState('')
  const [entered, setEntered] = useState<Record<string, FormValue>>({})
  const [error, setError] = useState<string | null>(null)
  const [placing, setPlacing] = useState(false)

  useEffect(() => {
    myWorkspaces(client).then(
      (mine) => {
        setWorkspaces(mine)
        setWorkspaceId(mine[0]?.id ?? '')
      },
      (e: unknown) => setError(errorMessage(e)),
    )
  }, [])
  useEffect(() => {
    if (!workspaceId) return
    setTemplates(null)
    apiIn(client, workspaceId)
      .listTemplates()
      .then(
        (rows) => {
          setTemplates(rows)
          setSlug(rows[0]?.slug ?? '')
          setEntered({})
        },
        (e: unknown) => setError(errorMessage(e)),
      )
  }, [workspaceId])

  const template = templates?.find((row) => row.slug === slug) ?? null
  const card = useMemo(() => template && placementCard(template, entered), [template, entered])
  const workspace = workspaces?.find((candidate) => candidate.id === workspaceId) ?? null
  const preview = card && workspace && buttonFromCard(card, { workspaceId, revision: 0, placedBy: workspace.myName })

  const place = async () => {
    if (!card || !workspace || !template?.revision_id) return
    setPlacing(true)
    try {
      const revision = await revisionNumber(client, template.revision_id)
      const button = buttonFromCard(card, { workspaceId, revision, placedBy: workspace.myName })
      if (button) emit<ButtonPlacedHandler>('BUTTON_PLACED', button)
    } catch (e) {
      setError(errorMessage(e))
      setPlacing(false)
    }
  }

  if (error)
    return (
      <p role="alert" class={styles.error}>
        Could not make a runbook button: {error}
      </p>
    )
  if (!workspaces || !templates) return <LoadingIndicator />
  return (
    <div class={styles.stack} data-place-button>
      <WorkspaceSelect workspaces={workspaces} value={workspaceId} onChange={setWorkspaceId} />
      <label class={styles.field}>
        <span>Template</span>
        <select
          class={styles.select}
          value={slug}
          onChange={(event) => {
            setSlug(event.currentTarget.value)
            setEntered({})
          }}
          data-template
        >
          {templates.map((row) => (
            <option key={row.slug} value={row.slug}>
              {row.title}
            </option>
          ))}
        </select>
      </label>
      {card === null && template ? <p class={styles.error}>This template does not parse; an admin can fix it in the plugin.</p> : null}
      {card
        ? card.fields
            .filter((field) => field.kind !== 'secret')
            .map((field) => (
              <InputControl
                key={field.key}
                field={field}
                idPrefix="button"
                onChange={(key, value) => setEntered({ ...entered, [key]: value })}
              />
            ))
        : null}
      {card && !card.plan.ok ? <p class={styles.error}>{card.plan.problems.join('; ')}</p> : null}
      {preview ? <p class={styles.note}>The card will say: {buttonLabel(preview)}. Anyone who opens the board reads it.</p> : null}
      {preview && preview.secretKeys.length > 0 ? (
        <p class={styles.note}>It asks for {preview.secretKeys.join(', ')} at each run and never keeps them.</p>
      ) : null}
      {workspace && workspace.role === 'viewer' ? (
        <p class={styles.note}>You are a viewer here: you can place the button, but only operators and up may run it.</p>
      ) : null}
      <Button onClick={() => void place()} disabled={preview === null || placing} loading={placing} data-place>
        Place on the board
      </Button>
    </div>
  )
}
