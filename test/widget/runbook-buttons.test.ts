/**
 * Runbook buttons and team cards, end to end but for the screen: the built widget's code under the
 * strict fake, on a board shared by a team, with the window's side played by the window's own
 * functions (widget/src/window/) through supabase-js against the local stack and its executor.
 * The window's screens themselves run in Chromium in test/e2e/widget-live.test.ts.
 *
 * What is shown: a button pins a revision with its inputs and starts exactly that revision; its
 * run gets a card beside it; the button shows its last run and a newer revision, and updates to
 * it; secret inputs are asked per press and never kept; who may not run a button is told why; a
 * teammate's waiting run is listed and drawn with who started it and "1 of 2 approvals"; Approve
 * is offered to an approver and not to the starter, the viewer or someone who approved already.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createOpsClient, type OpsClient } from '../../src/client/supabase.ts'
import type { TemplateRow } from '../../src/client/types.ts'
import type { RunbookButton } from '../../widget/src/card/runbook-button.ts'
import type { CardWindowProps } from '../../widget/src/messages.ts'
import { reviewChoice } from '../../widget/src/window/review-choice.ts'
import { readSnapshot } from '../../widget/src/window/run-snapshot.ts'
import {
  buttonFromCard,
  checkButton,
  placementCard,
  pressButton,
  revisionNumber,
  updateButton,
} from '../../widget/src/window/runbook-buttons.ts'
import { apiIn, myWorkspaces, workspaceRuns } from '../../widget/src/window/team.ts'
import { waitFor } from '../support/executor.ts'
import { memoryStorage, startTestStack, type TestStack } from '../support/stack.ts'
import { createTeamWorkspace, joinWorkspace, type InvitedRole } from '../support/team-workspace.ts'
import { poll } from '../plugin/harness.ts'
import { builtWidget, FakeBoard, FakeFigJamClient, find, texts, type WidgetRun } from './fake-widget.ts'
import { card } from './fixtures.ts'

/** A deploy with a ref, runnable on the local stack with no secrets; production is protected in a new team. */
const SHIP = (title: string) => `version: 1
kind: deploy
title: ${title}
inputs:
  - { key: env, label: Environment, type: choice, options: [staging, production], required: true, default: staging }
  - { key: ref, label: Git ref, type: string, required: true, default: main }
steps:
  - { id: roll-out, title: Roll out, kind: wait, with: { duration: 50ms } }
`

const KEYED = `version: 1
kind: check
title: Keyed check
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: api_key, label: API key, type: secret, required: true }
steps:
  - { id: settle, title: Settle, kind: wait, with: { duration: 10ms } }
`

const widget = builtWidget()

interface Person {
  client: OpsClient
  userId: string
  name: string
}

/** The window the client's code opened, and what for. */
async function windowOf(client: FakeFigJamClient): Promise<{ run: WidgetRun; props: CardWindowProps }> {
  const run = await poll(() => (client.run?.host.ui ? client.run : undefined), 'the card’s window')
  const { html } = run.host.ui!
  const start = html.indexOf('const __SHOW_UI_DATA__=') + 'const __SHOW_UI_DATA__='.length
  return { run, props: JSON.parse(html.slice(start, html.lastIndexOf(`;${widget.html}</script>`))) as CardWindowProps }
}

/** The window the code shows next, once it is for `kind`. */
async function nextWindow(client: FakeFigJamClient, kind: string) {
  return poll(async () => {
    const opened = await windowOf(client)
    return opened.props.mode.kind === kind ? opened : undefined
  }, `a ${kind} window`)
}

async function send(run: WidgetRun, name: string, ...args: unknown[]) {
  run.window.emit(name, ...args)
  await run.host.flush()
}

const errors = (client: FakeFigJamClient) => client.notifications.filter((n) => n.options.error).map((n) => n.message)

describe('runbook buttons and team cards on the local stack', () => {
  let stack: TestStack
  const clients: OpsClient[] = []
  let admin: Person
  let operator: Person
  let approver: Person
  let secondApprover: Person
  let viewer: Person
  let team: string

  async function person(): Promise<Person> {
    const client = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, memoryStorage(), { realtimeTransport: WebSocket })
    clients.push(client)
    const { data, error } = await client.auth.signInAnonymously()
    if (error) throw error
    return { client, userId: data.user!.id, name: '' }
  }

  async function member(role: InvitedRole): Promise<Person> {
    const someone = await person()
    await joinWorkspace(admin.client, someone.client, team, role)
    const mine = await myWorkspaces(someone.client)
    return { ...someone, name: mine.find((workspace) => workspace.id === team)!.myName }
  }

  async function saveTemplate(slug: string, yaml: string, title: string) {
    const current = await admin.client.from('run_templates').select('version').eq('workspace_id', team).eq('slug', slug).maybeSingle()
    const { error } = await admin.client.rpc('save_template', {
      p_workspace: team,
      p_slug: slug,
      p_template_yaml: yaml,
      p_expected_version: (current.data?.version ?? null) as unknown as number,
      p_title: title,
      p_kind: /^kind: (\S+)/m.exec(yaml)![1],
    })
    if (error) throw new Error(`saving ${slug}: ${error.message}`)
  }

  const template = async (slug: string): Promise<TemplateRow> =>
    (await apiIn(operator.client, team).listTemplates()).find((row) => row.slug === slug)!

  /** The button the place-button window makes from `entered`, as the operator. */
  async function makeButton(slug: string, entered: Record<string, string>): Promise<RunbookButton> {
    const row = await template(slug)
    const model = placementCard(row, entered)!
    return buttonFromCard(model, {
      workspaceId: team,
      revision: await revisionNumber(operator.client, row.revision_id!),
      placedBy: operator.name,
    })!
  }

  const settled = (runId: string, statuses: string[]) =>
    waitFor(
      async () => {
        const { data } = await admin.client.from('runs').select('*').eq('id', runId).single()
        return data && statuses.includes(data.status) ? data : undefined
      },
      `run ${runId} to reach ${statuses.join(' or ')}`,
    )

  beforeAll(async () => {
    delete process.env.GITHUB_TOKEN
    delete process.env.SLACK_WEBHOOK_URL
    stack = await startTestStack('pglite')
    admin = await person()
    team = await createTeamWorkspace(admin.client, 'Ops team')
    await saveTemplate('ship', SHIP('Ship web'), 'Ship web')
    await saveTemplate('keyed', KEYED, 'Keyed check')
    operator = await member('operator')
    approver = await member('approver')
    secondApprover = await member('approver')
    viewer = await member('viewer')
  }, 60_000)
  afterAll(async () => {
    for (const client of clients) {
      await client.auth.stopAutoRefresh()
      await client.removeAllChannels()
    }
    await stack?.stop()
  })

  it('places a button, starts a run of its pinned revision with a run card beside it, and updates to a newer revision', async () => {
    const board = new FakeBoard(widget.manifest.id)
    const olga = new FakeFigJamClient(board, widget, { id: 'u-olga', name: 'Olga', sessionId: 11 })
    const node = board.addCard({ x: 100, y: 200 })

    // Make a runbook button, from the empty card's window.
    const placing = olga.click(node, 'button Make a runbook button')
    const placeWindow = await windowOf(olga)
    expect(placeWindow.props.mode).toEqual({ kind: 'place-button' })
    expect(placeWindow.run.host.ui!.visible).toBe(true)
    const button = await makeButton('ship', { env: 'production' })
    await send(placeWindow.run, 'BUTTON_PLACED', button)
    await placing
    const drawn = olga.render(node)
    expect(texts(find(drawn.tree, 'label')!)).toEqual(['Ship web → production, ref main'])
    expect(texts(drawn.tree)).toContain('Not run yet')
    expect(texts(drawn.tree)).toContain(`ship · rev 1 · placed by ${operator.name}`)

    // An admin changes the template meanwhile: the button still runs what it was placed with.
    await saveTemplate('ship', SHIP('Ship web, v2'), 'Ship web, v2')
    const running = olga.click(node, 'button Run')
    const runWindow = await windowOf(olga)
    expect(runWindow.props.mode).toEqual({ kind: 'button', action: 'run', button })
    expect(runWindow.run.host.ui!.visible).toBe(false)
    const result = await pressButton(operator.client, (runWindow.props.mode as { button: RunbookButton }).button)
    await send(runWindow.run, 'BUTTON_DONE', result)
    const runId = result.started!.runId

    // Both cards go live at once, kept by the person who pressed Run.
    const liveWindow = await nextWindow(olga, 'live')
    expect(liveWindow.props.mode).toEqual({ kind: 'live', runIds: [runId] })
    expect(liveWindow.run.host.ui!.visible).toBe(false)
    for (const candidate of board.cards()) {
      expect(texts(find(olga.render(candidate).tree, 'live')!)[0]).toMatch(/^Live via Olga · last update /)
    }
    await send(liveWindow.run, 'LIVE_FINISHED')
    await running
    expect(errors(olga)).toEqual([])

    const { data: run } = await operator.client.from('runs').select('*').eq('id', runId).single()
    expect(run).toMatchObject({
      workspace_id: team,
      template_revision_id: button.revisionId,
      env: 'production',
      inputs: { env: 'production', ref: 'main' },
    })
    expect(run!.created_by).toBe(operator.userId)
    // A run card beside the button, in the same row.
    const cards = board.cards()
    expect(cards).toHaveLength(2)
    const runCard = cards.find((candidate) => candidate !== node)!
    expect({ x: runCard.x, y: runCard.y }).toEqual({ x: 100 + node.width + 40, y: 200 })
    expect(runCard.stored.state).toMatchObject({ button: null, snapshot: { runId, startedBy: operator.name, env: 'production' } })
    expect(texts(olga.render(runCard).tree)[0]).toBe('Ship web in production')
    // The button shows its last run, and that the template moved on.
    const after = olga.render(node).tree
    expect(texts(find(after, 'last run')!)[1]).toMatch(new RegExp(`^Last run \\d\\d:\\d\\d UTC by ${operator.name}$`))
    expect(texts(find(after, 'changed')!)).toEqual(['The template changed: rev 2 is newer than this button’s rev 1. Run still runs rev 1.'])
    expect(olga.render(node).menu?.items.map((item) => item.propertyName)).toEqual(['live', 'check', 'update'])

    // Update: the same inputs on rev 2.
    const updating = olga.click(node, 'button Update to the new revision')
    const updateWindow = await windowOf(olga)
    expect(updateWindow.props.mode).toMatchObject({ kind: 'button', action: 'update' })
    await send(updateWindow.run, 'BUTTON_DONE', await updateButton(operator.client, button))
    await updating
    const updated = olga.render(node).tree
    expect(find(updated, 'changed')).toBeUndefined()
    expect(texts(find(updated, 'label')!)).toEqual(['Ship web, v2 → production, ref main'])
    expect(texts(updated)).toContain(`ship · rev 2 · placed by ${operator.name}`)
    // The last run stays on the button.
    expect(node.stored.state).toMatchObject({ snapshot: { runId } })

    // Another admin save: the menu's check finds it without running anything.
    await saveTemplate('ship', SHIP('Ship web, v3'), 'Ship web, v3')
    const checking = olga.menu(node, 'check')
    const checkWindow = await windowOf(olga)
    expect(checkWindow.props.mode).toMatchObject({ kind: 'button', action: 'check' })
    expect(checkWindow.run.host.ui!.visible).toBe(false)
    await send(
      checkWindow.run,
      'BUTTON_DONE',
      await checkButton(operator.client, (checkWindow.props.mode as { button: RunbookButton }).button),
    )
    await checking
    expect(texts(find(olga.render(node).tree, 'changed')!)).toEqual([
      'The template changed: rev 3 is newer than this button’s rev 2. Run still runs rev 2.',
    ])
    expect((await operator.client.from('runs').select('id').eq('workspace_id', team)).data).toHaveLength(1)
  }, 60_000)

  it('keeps secret inputs off the board: asked at each press, in a window, and never in synced state', async () => {
    const board = new FakeBoard(widget.manifest.id)
    const olga = new FakeFigJamClient(board, widget, { id: 'u-olga', name: 'Olga', sessionId: 11 })
    const button = await makeButton('keyed', { api_key: 'sk-typed-while-placing' })
    expect(button.secretKeys).toEqual(['api_key'])
    expect(JSON.stringify(button)).not.toContain('sk-typed')
    const node = board.addCard({
      state: { version: 3, snapshot: null, live: null, button: { ...button, secretInputs: { api_key: 'sk-smuggled' } } },
    })
    expect(texts(olga.render(node).tree)).toContain('Asks for api_key at each run (never kept on the board)')

    const pressing = olga.click(node, 'button Run')
    const { run, props } = await windowOf(olga)
    // The window is shown: it asks for the secret.
    expect(run.host.ui!.visible).toBe(true)
    await expect(pressButton(operator.client, button)).rejects.toThrow('This button asks for api_key at each run; enter them to run it.')
    const result = await pressButton(operator.client, (props.mode as { button: RunbookButton }).button, { api_key: 'sk-live-value-123' })
    await send(run, 'BUTTON_DONE', result)
    await send((await nextWindow(olga, 'live')).run, 'LIVE_FINISHED')
    await pressing
    const everything = JSON.stringify(board.cards().map((candidate) => candidate.stored))
    expect(everything).not.toContain('sk-')
    const { data: row } = await operator.client.from('runs').select('inputs, secret_inputs').eq('id', result.started!.runId).single()
    expect(row).toEqual({ inputs: { env: 'staging' }, secret_inputs: null })
  }, 60_000)

  it('tells a viewer why they may not run a button', async () => {
    const button = await makeButton('ship', { env: 'staging' })
    await expect(pressButton(viewer.client, button)).rejects.toThrow(
      'Only operators and up may run this button; you are a viewer in Ops team.',
    )
    const outsider = await person()
    await expect(pressButton(outsider.client, button)).rejects.toThrow(
      'This button belongs to a workspace you are not a member of: ask its admin for an invite.',
    )
    // The database has the last word: the check above only says why, and a viewer's insert is refused anyway.
    const { error } = await viewer.client
      .from('runs')
      .insert({ workspace_id: team, template_slug: 'ship', kind: 'deploy', env: 'staging', title: 'x', inputs: {} })
    expect(error?.message).toMatch(/row-level security/)
  })

  it('lists a teammate’s waiting run with who started it, draws "1 of 2 approvals", and offers Approve only to those who may', async () => {
    const { error } = await admin.client.rpc('set_environment', {
      p_workspace: team,
      p_name: 'production',
      p_protected: true,
      p_required_approvals: 2,
      p_prevent_self_review: true,
    })
    expect(error).toBeNull()
    const result = await pressButton(operator.client, await makeButton('ship', { env: 'production' }))
    const runId = result.started!.runId
    await settled(runId, ['waiting_approval'])

    // The picker of a teammate lists it, with who started it.
    const listed = await workspaceRuns(approver.client, team)
    const waiting = listed.runs.find((run) => run.id === runId)!
    expect(listed.names.get(waiting.created_by)).toBe(operator.name)

    // Who may decide, as the Review window says it.
    const choice = async (someone: Person) => {
      const { data: run } = await someone.client.from('runs').select('*').eq('id', runId).single()
      const role = (await myWorkspaces(someone.client)).find((workspace) => workspace.id === team)?.role ?? null
      return reviewChoice(run!, { userId: someone.userId, role })
    }
    expect(await choice(approver)).toEqual({ may: true })
    // The operator started it: that is what they are told, whatever their role.
    expect(await choice(operator)).toEqual({
      may: false,
      reason: 'You started this run, and production requires someone else to review it: ask another approver.',
    })
    expect(await choice(viewer)).toEqual({ may: false, reason: 'Only an approver (or higher) decides this approval; you are a viewer.' })
    // The starter, even as an admin would be, is kept out while prevent self-review is on.
    const { data: run } = await operator.client.from('runs').select('*').eq('id', runId).single()
    expect(reviewChoice(run!, { userId: operator.userId, role: 'admin' })).toEqual({
      may: false,
      reason: 'You started this run, and production requires someone else to review it: ask another approver.',
    })

    // One approval of two: the card says so, for everyone on the board.
    await apiIn(approver.client, team).decideApproval(runId, true)
    expect(await choice(approver)).toEqual({ may: false, reason: 'You already approved this step; it waits for someone else.' })
    expect(await choice(secondApprover)).toEqual({ may: true })
    const picture = await readSnapshot(apiIn(approver.client, team), runId)
    expect(picture).toMatchObject({
      status: 'waiting_approval',
      startedBy: operator.name,
      approvals: { given: 1, required: 2, starterExcluded: true },
    })
    const board = new FakeBoard(widget.manifest.id)
    const ben = new FakeFigJamClient(board, widget, { id: 'u-ben', name: 'Ben', sessionId: 12 })
    const drawn = ben.render(board.addCard({ state: { ...card(picture) } })).tree
    expect(texts(find(drawn, 'approvals')!)).toEqual([`1 of 2 approvals · approvers other than ${operator.name} decide in Review`])
    expect(texts(find(drawn, 'actions')!)).toEqual(['Review', 'Cancel', 'Open log'])
    expect(texts(drawn).at(-1)).toMatch(new RegExp(`^Started by ${operator.name} `))
    // Review opens a window that knows who is looking.
    const node = board.cards()[0]
    const reviewing = ben.click(node, 'button Review')
    const opened = await windowOf(ben)
    expect(opened.props.mode).toEqual({ kind: 'review', runId })
    expect(opened.run.host.ui!.visible).toBe(true)
    await apiIn(secondApprover.client, team).decideApproval(runId, true)
    await send(opened.run, 'ACTION_DONE', { snapshot: await readSnapshot(apiIn(secondApprover.client, team), runId) })
    await reviewing
    expect((node.stored.state.snapshot as { status: string }).status).not.toBe('waiting_approval')
    await settled(runId, ['success'])
  }, 60_000)
})
