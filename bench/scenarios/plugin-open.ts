/**
 * Plugin open → templates visible, in real Chromium with a cold cache: the built plugin
 * (build/ui.js) in the browser preview against a local stack, for someone already signed in. Each
 * sample launches a fresh browser profile (no HTTP cache, no compiled-code cache), opens the
 * preview and, as soon as the plugin's tabs show, selects Templates. Times run from the page's
 * navigation start to the tabs being shown and to the first template card being in the page,
 * measured inside the page (no round trips to the benchmark process).
 */
import type { BrowserContext } from 'playwright-core'
import { startPreview } from '../../local/preview/server.ts'
import { launchChromium } from '../../test/support/chromium.ts'
import { withStack } from '../lib/engines.ts'
import { distribution } from '../lib/stats.ts'

export interface PluginOpenResult {
  measure: string
  unit: 'ms'
  count: number
  p50: number
  p95: number
  max: number
}

interface Marks {
  navigationStart: number
  tabsShown: number
  templatesVisible: number
}

/** Runs in the preview page before its scripts: the saved session, and when navigation started. */
function probe(saved: [string, string][]) {
  for (const [key, value] of saved) localStorage.setItem(key, value)
  ;(window as unknown as { openedAt: number }).openedAt = performance.timeOrigin
}

/**
 * Runs in the plugin's iframe (srcdoc, which init scripts do not reach) as soon as it exists:
 * watches its document, opens the Templates tab once the tabs show, and stamps both moments on the
 * wall clock the two frames share. Tabs already shown by then are stamped late, never early.
 * (Source text, so the benchmark's own transpiler adds nothing to it.)
 */
const WATCH = `(() => {
  const now = () => performance.timeOrigin + performance.now()
  const marks = (window.marks = {})
  const observer = new MutationObserver(() => check())
  const check = () => {
    if (marks.tabsShown === undefined) {
      const tab = [...document.querySelectorAll('[role="tab"]')].find((t) => t.textContent === 'Templates')
      if (tab === undefined) return
      marks.tabsShown = now()
      tab.click()
    }
    if (marks.templatesVisible === undefined && document.querySelector('[data-template-card]') !== null) {
      marks.templatesVisible = now()
      observer.disconnect()
    }
  }
  observer.observe(document, { childList: true, subtree: true })
  check()
})()`

async function openOnce(url: string, saved: [string, string][]): Promise<Marks> {
  const browser = await launchChromium({ width: 1280, height: 900 })
  try {
    const context: BrowserContext = browser.context
    await context.addInitScript(probe, saved)
    const page = context.pages()[0] ?? (await context.newPage())
    await page.goto(url)
    const handle = await page.waitForSelector('iframe', { timeout: 60_000 })
    const frame = (await handle.contentFrame())!
    await frame.evaluate(WATCH)
    await frame.waitForFunction(() => (window as unknown as { marks?: { templatesVisible?: number } }).marks?.templatesVisible, undefined, {
      timeout: 60_000,
    })
    const navigationStart = await page.evaluate(() => (window as unknown as { openedAt: number }).openedAt)
    const marks = await frame.evaluate(() => (window as unknown as { marks: { tabsShown: number; templatesVisible: number } }).marks)
    return { navigationStart, ...marks }
  } finally {
    await browser.close()
  }
}

/** A signed-in session, as the preview keeps it: a first visit that continues without an account. */
async function signIn(url: string): Promise<[string, string][]> {
  const browser = await launchChromium({ width: 1280, height: 900 })
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage())
    await page.goto(url)
    const ui = page.frameLocator('iframe')
    await ui.getByRole('button', { name: 'Continue without an account' }).click({ timeout: 60_000 })
    await ui.getByRole('tab', { name: 'Templates' }).waitFor({ timeout: 60_000 })
    await page.waitForFunction(() => Object.keys(localStorage).some((key) => /^ops-preview:clientStorage:session:/.test(key)), undefined, {
      timeout: 60_000,
    })
    return await page.evaluate(() => Object.entries(localStorage).filter(([key]) => key.startsWith('ops-preview:')))
  } finally {
    await browser.close()
  }
}

/**
 * OPS_BENCH_BASELINE_BUILD names another build of the plugin (a folder with build/ and
 * manifest.json, e.g. an earlier commit's `npm run build`): its opens then alternate with this
 * build's in the same run, so a busy machine weighs on both alike.
 */
export async function pluginOpen(smoke: boolean): Promise<PluginOpenResult[]> {
  const samples = smoke ? 1 : 7
  const baseline = process.env.OPS_BENCH_BASELINE_BUILD
  const builds: { name: string; outputDir?: string }[] = [
    ...(baseline ? [{ name: 'baseline build', outputDir: baseline }] : []),
    { name: baseline ? 'this build' : '' },
  ]
  return withStack('pglite', async (stack) => {
    const previews = await Promise.all(
      builds.map((build) => startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: 0, outputDir: build.outputDir })),
    )
    try {
      const missing = previews.flatMap((preview) => preview.missing)
      if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: run npm run build first`)
      const saved = await Promise.all(previews.map((preview) => signIn(preview.url)))
      const tabs: number[][] = builds.map(() => [])
      const templates: number[][] = builds.map(() => [])
      for (let i = 0; i < samples; i++) {
        for (const [b, preview] of previews.entries()) {
          const marks = await openOnce(preview.url, saved[b])
          tabs[b].push(marks.tabsShown - marks.navigationStart)
          templates[b].push(marks.templatesVisible - marks.navigationStart)
        }
      }
      const row = (measure: string, values: number[]): PluginOpenResult => {
        const { count, p50, p95, max } = distribution(values)
        return { measure, unit: 'ms', count, p50, p95, max }
      }
      return builds.flatMap((build, b) => {
        const of = build.name ? ` (${build.name})` : ''
        return [row(`plugin open → tabs shown${of}`, tabs[b]), row(`plugin open → templates visible${of}`, templates[b])]
      })
    } finally {
      await Promise.all(previews.map((preview) => preview.close()))
    }
  })
}
