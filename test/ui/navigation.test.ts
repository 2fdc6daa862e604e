/** Which view the plugin shows: the tab, the open run and the settings, and what each action changes. */
import { describe, expect, it } from 'vitest'
import type { RunStreamHandle } from '../../src/client/types.ts'
import { initialNavigation, navigate, screenOf, selectedTab, type Navigation, type NavigationAction } from '../../src/ui/app/navigation.ts'
import type { SessionState } from '../../src/ui/hooks/use-session.ts'

// Only passed along, never called: any object stands for the live stream a started run hands over.
const stream = {} as RunStreamHandle

const onTab: Navigation = { tab: 'templates', run: null, settings: false }
const onRun: Navigation = { tab: 'runs', run: { runId: 'r1', stream: null }, settings: false }
const inSettings: Navigation = { tab: 'runs', run: { runId: 'r1', stream: null }, settings: true }

describe('initialNavigation', () => {
  it('opens on the given tab with nothing else open', () => {
    expect(initialNavigation('chat', null)).toEqual({ tab: 'chat', run: null, settings: false })
  })

  it('opens on the run the plugin was relaunched for, without a stream yet', () => {
    expect(initialNavigation('chat', 'r9')).toEqual({ tab: 'chat', run: { runId: 'r9', stream: null }, settings: false })
  })
})

describe('navigate', () => {
  it.each<{ name: string; from: Navigation; action: NavigationAction; to: Navigation }>([
    {
      name: 'choosing a tab closes the run and the settings',
      from: inSettings,
      action: { type: 'select-tab', tab: 'spec-kit' },
      to: { tab: 'spec-kit', run: null, settings: false },
    },
    {
      name: 'choosing the tab under the open run closes the run',
      from: onRun,
      action: { type: 'select-tab', tab: 'runs' },
      to: { tab: 'runs', run: null, settings: false },
    },
    {
      name: 'opening a run keeps the tab to come back to',
      from: onTab,
      action: { type: 'open-run', runId: 'r2', stream },
      to: { tab: 'templates', run: { runId: 'r2', stream }, settings: false },
    },
    {
      name: 'opening another run from a run replaces it',
      from: onRun,
      action: { type: 'open-run', runId: 'r2', stream: null },
      to: { tab: 'runs', run: { runId: 'r2', stream: null }, settings: false },
    },
    {
      name: 'a link to a log line opens its run at that line',
      from: onTab,
      action: { type: 'open-run', runId: 'r2', stream: null, seq: 42 },
      to: { tab: 'templates', run: { runId: 'r2', stream: null, seq: 42 }, settings: false },
    },
    {
      // A run started just before the settings were opened lands behind them.
      name: 'a run opened while the settings are open waits behind them',
      from: { ...onTab, settings: true },
      action: { type: 'open-run', runId: 'r2', stream },
      to: { tab: 'templates', run: { runId: 'r2', stream }, settings: true },
    },
    { name: 'closing a run goes back to its tab', from: onRun, action: { type: 'close-run' }, to: { ...onRun, run: null } },
    { name: 'the settings button opens the settings', from: onRun, action: { type: 'toggle-settings' }, to: inSettings },
    { name: 'the settings button closes them again', from: inSettings, action: { type: 'toggle-settings' }, to: onRun },
    { name: 'the sign-in panel opens the settings', from: onTab, action: { type: 'open-settings' }, to: { ...onTab, settings: true } },
    { name: 'cancelling the settings goes back to the run', from: inSettings, action: { type: 'close-settings' }, to: onRun },
    {
      // The run belongs to the old project: the new settings may point at another one.
      name: 'saving the settings also closes the run',
      from: inSettings,
      action: { type: 'settings-saved' },
      to: { tab: 'runs', run: null, settings: false },
    },
  ])('$name', ({ from, action, to }) => {
    expect(navigate(from, action)).toEqual(to)
  })

  it('leaves its input unchanged', () => {
    const before = structuredClone(inSettings)
    navigate(inSettings, { type: 'select-tab', tab: 'chat' })
    navigate(inSettings, { type: 'settings-saved' })
    expect(inSettings).toEqual(before)
  })
})

describe('screenOf', () => {
  const statuses: SessionState['status'][] = ['loading', 'signed-out', 'signed-in']

  it.each(statuses)('shows the settings above everything while they are open (session %s)', (session) => {
    expect(screenOf(inSettings, session)).toEqual({ kind: 'settings' })
  })

  it.each([onTab, onRun])('waits for the session before anything else', (navigation) => {
    expect(screenOf(navigation, 'loading')).toEqual({ kind: 'restoring-session' })
  })

  it.each([onTab, onRun])('asks to sign in before showing a run or a tab', (navigation) => {
    expect(screenOf(navigation, 'signed-out')).toEqual({ kind: 'sign-in' })
  })

  it('shows the open run over its tab once signed in', () => {
    expect(screenOf(onRun, 'signed-in')).toEqual({ kind: 'run', run: onRun.run })
  })

  it('shows the tab when no run is open', () => {
    expect(screenOf(onTab, 'signed-in')).toEqual({ kind: 'tab', tab: 'templates' })
  })
})

describe('selectedTab', () => {
  it('marks the current tab, also under an open run', () => {
    expect(selectedTab(onTab)).toBe('templates')
    expect(selectedTab(onRun)).toBe('runs')
  })

  it('marks none while the settings are open', () => {
    expect(selectedTab(inSettings)).toBeNull()
  })
})

describe('the team views (members, approvals inbox)', () => {
  const inInbox: Navigation = { ...onTab, panel: 'inbox' }

  it.each<{ name: string; from: Navigation; action: NavigationAction; to: Navigation }>([
    {
      name: 'opening one closes the run and the settings',
      from: inSettings,
      action: { type: 'open-panel', panel: 'team' },
      to: { tab: 'runs', run: null, settings: false, panel: 'team' },
    },
    {
      name: 'a run opened from the inbox shows over it',
      from: inInbox,
      action: { type: 'open-run', runId: 'r2', stream: null },
      to: { ...inInbox, run: { runId: 'r2', stream: null } },
    },
    {
      name: 'closing that run goes back to the inbox',
      from: { ...inInbox, run: { runId: 'r2', stream: null } },
      action: { type: 'close-run' },
      to: inInbox,
    },
    { name: 'Back closes the view', from: inInbox, action: { type: 'close-panel' }, to: onTab },
    {
      name: 'choosing a tab closes the view',
      from: inInbox,
      action: { type: 'select-tab', tab: 'runs' },
      to: { tab: 'runs', run: null, settings: false },
    },
  ])('$name', ({ from, action, to }) => {
    expect(navigate(from, action)).toEqual(to)
  })

  it('shows the view, under an open run and the settings', () => {
    expect(screenOf(inInbox, 'signed-in')).toEqual({ kind: 'panel', panel: 'inbox' })
    expect(screenOf({ ...inInbox, run: { runId: 'r2', stream: null } }, 'signed-in')).toMatchObject({ kind: 'run' })
    expect(screenOf({ ...inInbox, settings: true }, 'signed-in')).toEqual({ kind: 'settings' })
    expect(screenOf(inInbox, 'signed-out')).toEqual({ kind: 'sign-in' })
  })
})
