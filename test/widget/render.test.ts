/** The widget's tree, rendered with a stand-in figma.widget, for each status of its run. */
import { beforeAll, describe, expect, it } from 'vitest'
import type { RunStatus } from '../../src/client/types.ts'
import { STATUS_BADGES } from '../../widget/src/card/card-model.ts'
import { fakeWidgetHost, find, texts, type FakeWidgetHost } from './fake-widget.ts'
import { snapshot } from './fixtures.ts'

let host: FakeWidgetHost

beforeAll(async () => {
  host = fakeWidgetHost()
  ;(globalThis as Record<string, unknown>).figma = host.figma
  await import('../../widget/src/main.tsx')
})

const statuses: RunStatus[] = ['queued', 'running', 'waiting_approval', 'success', 'error', 'canceled']

describe('the run card widget', () => {
  it('offers to pick a run while it shows none', () => {
    host.state.clear()
    const tree = host.render()
    expect(texts(tree)).toEqual(['Ops run card', 'Shows one run of Ops Control Room, live for everyone on the board.', 'Pick a run'])
    expect(host.menu?.items.map((item) => item.propertyName)).toEqual(['pick'])
  })

  it.each(statuses)('draws a %s run: title, badge in its colour, progress, log, footer', (status) => {
    host.state.set(
      'snapshot',
      snapshot(
        {
          lines: [
            { seq: 1, level: 'info', text: 'Claimed by executor w' },
            { seq: 2, level: 'error', text: '<img src=x onerror=alert(1)>' },
          ],
          artifacts: [{ kind: 'link', title: 'acme/web deploy.yml runs', url: 'https://github.com/acme/web/actions' }],
          artifactCount: 1,
          summary: status === 'success' ? 'Deploy web in production: 5 steps succeeded' : null,
          error: status === 'error' ? 'step dispatch failed: Bad credentials' : null,
          finishedAt: ['success', 'error', 'canceled'].includes(status) ? '2025-01-03T10:00:30.000Z' : null,
        },
        status,
      ),
    )
    host.state.set('startedBy', 'Ana')
    const tree = host.render()
    const drawn = texts(tree)
    expect(drawn[0]).toBe('Deploy web to production')
    const badge = find(tree, 'status')!
    expect(badge.props.fill).toBe(STATUS_BADGES[status].fill)
    expect(texts(badge)).toEqual([STATUS_BADGES[status].label])
    expect(drawn).toContain('deploy-web · production')
    expect(drawn).toContain('1 of 2 steps · Second')
    // Log text is a Text node's characters: never markup.
    expect(texts(find(tree, 'log')!)).toEqual(['Claimed by executor w', '<img src=x onerror=alert(1)>'])
    expect(find(tree, 'artifacts')!.children[0]).toMatchObject({ type: 'Text', props: { href: 'https://github.com/acme/web/actions' } })
    expect(drawn.at(-1)).toMatch(/^Started by Ana 10:00 UTC · updated /)
    const buttons = texts(find(tree, 'actions')!)
    expect(buttons).toEqual(
      {
        queued: ['Cancel', 'Open log'],
        running: ['Cancel', 'Open log'],
        waiting_approval: ['Approve', 'Reject', 'Cancel', 'Open log'],
        success: ['Run again', 'Open log'],
        error: ['Run again', 'Open log'],
        canceled: ['Run again', 'Open log'],
      }[status],
    )
    if (status === 'success') expect(drawn).toContain('Deploy web in production: 5 steps succeeded')
    if (status === 'error') expect(drawn).toContain('step dispatch failed: Bad credentials')
    expect(host.menu?.items.map((item) => item.propertyName)).toEqual(['live', 'refresh', undefined, 'details', 'pick'])
  })

  it('shows the live toggle on when someone keeps the card live, and who', () => {
    host.state.set('snapshot', snapshot({ driver: 'Ben' }))
    const tree = host.render()
    expect(host.menu?.items[0]).toMatchObject({ itemType: 'toggle', propertyName: 'live', isToggled: true })
    expect(texts(tree).at(-1)).toMatch(/live via Ben$/)
  })

  it('uses no effects the performance guidance warns about', () => {
    host.state.set('snapshot', snapshot({}, 'running'))
    const json = JSON.stringify(host.render())
    for (const forbidden of ['effect', 'blendMode', 'shadow', 'blur']) expect(json).not.toContain(forbidden)
  })
})
