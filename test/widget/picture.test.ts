/**
 * A picture of the run card for people to look at (README, reviews): the built widget draws the
 * cards under the widget fake, their trees drawn as HTML the way FigJam lays out AutoLayout and
 * Text, and photographed in Chromium into test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { builtWidget, FakeBoard, FakeClock, FakeFigJamClient, type Element } from './fake-widget.ts'
import { card, snapshot } from './fixtures.ts'
import type { RunbookButton } from '../../widget/src/card/runbook-button.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

function css(element: Element): string {
  const p = element.props as Record<string, any>
  const rules: string[] = []
  if (element.type === 'AutoLayout') {
    rules.push('display:flex', `flex-direction:${p.direction === 'vertical' ? 'column' : 'row'}`, `gap:${p.spacing ?? 0}px`)
    if (p.verticalAlignItems === 'start') rules.push('align-items:flex-start')
    const pad = p.padding
    if (typeof pad === 'number') rules.push(`padding:${pad}px`)
    else if (pad) rules.push(`padding:${pad.vertical ?? 0}px ${pad.horizontal ?? 0}px`)
    if (p.fill) rules.push(`background:${p.fill}`)
    if (p.stroke) rules.push(`border:${p.strokeWidth ?? 1}px solid ${p.stroke}`)
    if (p.verticalAlignItems === 'center') rules.push('align-items:center')
    if (p.cornerRadius) rules.push(`border-radius:${p.cornerRadius}px`)
  } else {
    rules.push(
      `font-family:${p.fontFamily === 'Roboto Mono' ? 'monospace' : 'sans-serif'}`,
      `font-size:${p.fontSize ?? 12}px`,
      `font-weight:${p.fontWeight ?? 400}`,
      `color:${p.fill ?? '#000'}`,
    )
    if (p.truncate) rules.push('white-space:nowrap', 'overflow:hidden', 'text-overflow:ellipsis')
    if (p.textDecoration === 'underline') rules.push('text-decoration:underline')
  }
  if (typeof p.width === 'number') rules.push(`width:${p.width}px`, 'box-sizing:border-box')
  if (p.width === 'fill-parent') rules.push('flex:1', 'min-width:0')
  return rules.join(';')
}

function html(element: Element | string): string {
  if (typeof element === 'string') return escape(element)
  const inner = element.children.map(html).join('')
  return `<div style="${css(element)}">${inner}</div>`
}

describe('a picture of the run card', () => {
  let browser: LaunchedBrowser
  beforeAll(async () => {
    browser = await launchChromium({ width: 820, height: 340 })
    await mkdir(`${root}test-results/screenshots`, { recursive: true })
  })
  afterAll(() => browser.close())

  it('draws a running production deploy and one waiting for approval', async () => {
    const at = (time: string) => `2025-01-03T${time}.000Z`
    const recent = { createdAt: at('14:00:56'), startedAt: at('14:00:58'), syncedAt: Date.parse(at('14:02:27')) }
    const pictures = [
      snapshot(
        {
          title: 'Deploy web to production',
          done: 3,
          currentStep: 'b',
          steps: [
            { id: 'a', title: 'Health check before deploy' },
            { id: 'p', title: 'Approval required' },
            { id: 'd', title: 'Dispatch the deploy workflow' },
            { id: 'b', title: 'Let the rollout settle' },
            { id: 'e', title: 'Health check after deploy' },
          ],
          lines: [
            { seq: 18, level: 'info', text: 'Step dispatch succeeded in 412 ms' },
            { seq: 19, level: 'info', text: 'Phase 2 · execute finished in 3.1 s' },
            { seq: 20, level: 'info', text: 'Phase 3 · verify resumed: settle, health-after' },
            { seq: 21, level: 'info', text: 'Step settle: Let the rollout settle' },
            { seq: 22, level: 'info', text: 'Waiting 2.0 s' },
          ],
          artifacts: [{ kind: 'link', title: 'acme/web deploy.yml runs', url: 'https://github.com/acme/web/actions/workflows/deploy.yml' }],
          artifactCount: 1,
          ...recent,
        },
        'running',
      ),
      snapshot(
        {
          title: 'Deploy api to production',
          done: 1,
          currentStep: 'p',
          steps: [
            { id: 'a', title: 'Health check before deploy' },
            { id: 'p', title: 'Approval required' },
            { id: 'd', title: 'Dispatch' },
          ],
          lines: [{ seq: 9, level: 'warn', text: "Waiting for approval: Approval required by policy: env == 'production'" }],
          ...recent,
          syncedAt: Date.parse(at('14:01:45')),
        },
        'waiting_approval',
      ),
    ]
    // The first is kept live by Ana, whose code wrote it a few seconds ago.
    const live = { driver: 'Ana', driverId: '7', heartbeat: Date.parse(at('14:02:31')), problem: null }
    const widget = builtWidget()
    const board = new FakeBoard(widget.manifest.id)
    const viewer = new FakeFigJamClient(
      board,
      widget,
      { id: 'u-ben', name: 'Ben', sessionId: 8 },
      { clock: new FakeClock(Date.parse(at('14:02:33'))) },
    )
    const drawn = pictures.map((picture, i) => {
      const state = { ...card(picture, { live: i === 0 ? live : null }) }
      return html(viewer.render(board.addCard({ state })).tree!)
    })
    const page = await browser.context.newPage()
    await page.setContent(
      `<body style="margin:0;padding:24px;background:#F1F1F1;display:flex;gap:24px;align-items:flex-start">${drawn.join('')}</body>`,
    )
    await page.screenshot({ path: `${root}test-results/screenshots/widget-cards.png` })
    expect(await page.textContent('body')).toContain('Deploy web to production')
    expect(await page.textContent('body')).toContain('Waiting for approval')
    await page.close()
  })

  it('draws a runbook button beside the run it started, and a team’s run waiting for its second approval', async () => {
    const at = (time: string) => `2025-01-03T${time}.000Z`
    const button: RunbookButton = {
      workspaceId: 'workspace-1',
      templateSlug: 'deploy-web',
      title: 'Deploy web',
      kind: 'deploy',
      revisionId: 'revision-3',
      revision: 3,
      env: 'production',
      inputs: { env: 'production', ref: 'main' },
      secretKeys: [],
      placedBy: 'Ana',
      newerRevision: { revisionId: 'revision-4', revision: 4 },
    }
    const started = snapshot(
      {
        title: 'Deploy web in production',
        startedBy: 'Olga',
        boardDetails: false,
        lines: [],
        done: 1,
        currentStep: 'environment-approval',
        steps: [
          { id: 'environment-approval', title: 'environment-approval' },
          { id: 'dispatch', title: 'dispatch' },
          { id: 'health-after', title: 'health-after' },
        ],
        approvals: { given: 1, required: 2, starterExcluded: true },
        createdAt: at('14:00:56'),
        startedAt: at('14:00:57'),
        syncedAt: Date.parse(at('14:01:40')),
      },
      'waiting_approval',
    )
    const widget = builtWidget()
    const board = new FakeBoard(widget.manifest.id)
    const viewer = new FakeFigJamClient(
      board,
      widget,
      { id: 'u-ben', name: 'Ben', sessionId: 8 },
      { clock: new FakeClock(Date.parse(at('14:02:33'))) },
    )
    const drawn = [
      html(viewer.render(board.addCard({ state: { ...card(started), button } })).tree!),
      html(viewer.render(board.addCard({ state: { ...card(started) } })).tree!),
    ]
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 820, height: 360 })
    await page.setContent(
      `<body style="margin:0;padding:24px;background:#F1F1F1;display:flex;gap:24px;align-items:flex-start">${drawn.join('')}</body>`,
    )
    await page.screenshot({ path: `${root}test-results/screenshots/widget-runbook-button.png` })
    const text = await page.textContent('body')
    expect(text).toContain('Deploy web → production, ref main')
    expect(text).toContain('1 of 2 approvals · approvers other than Olga decide in Review')
    await page.close()
  })
})
