/**
 * Driving the plugin UI inside the preview page: its iframe, tabs, the log viewer, screenshots.
 * The UI is found by what a person sees (roles, labels, text) or by the data-* hooks the
 * components expose for tests.
 */
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Frame, FrameLocator, Page } from 'playwright-core'

const SCREENSHOT_DIR = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url))

/** Generous: the stack runs on PGlite in the same process as the test. */
export const LONG = 60_000

export interface PluginUi {
  page: Page
  /** For locators (auto-waiting). */
  ui: FrameLocator
  /** For evaluating in the UI's window. */
  frame(): Promise<Frame>
}

export function pluginUi(page: Page, iframeSelector = 'iframe'): PluginUi {
  return {
    page,
    ui: page.frameLocator(iframeSelector),
    async frame() {
      const handle = await page.waitForSelector(iframeSelector, { timeout: LONG })
      const frame = await handle.contentFrame()
      if (frame === null) throw new Error(`${iframeSelector} has no content frame`)
      return frame
    },
  }
}

export async function openTab({ ui }: PluginUi, name: 'Chat' | 'Templates' | 'Runs' | 'Spec Kit' | 'Audit'): Promise<void> {
  await ui.getByRole('tab', { name, exact: true }).click()
}

export async function screenshot({ page }: PluginUi, name: string, iframeSelector = 'iframe'): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const path = `${SCREENSHOT_DIR}${name}.png`
  await page.locator(iframeSelector).screenshot({ path })
  return path
}

/**
 * Boxes in the open tab whose content spills out over what follows them: a block whose content
 * is taller than the box and which neither scrolls nor clips it. Each is named by its tag, data-*
 * hooks and class, with how far it spills.
 */
export async function spilledBoxes(plugin: PluginUi): Promise<string[]> {
  const frame = await plugin.frame()
  return frame.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[role="tabpanel"], [role="tabpanel"] *')].flatMap((element) => {
      const style = getComputedStyle(element)
      const spill = element.scrollHeight - element.clientHeight
      if (style.display === 'inline' || style.display === 'contents' || style.overflowY !== 'visible' || spill <= 1) return []
      const hooks = [...element.attributes].filter((a) => a.name.startsWith('data-')).map((a) => `[${a.name}]`)
      return [`${element.tagName.toLowerCase()}${hooks.join('')}.${element.className} spills ${spill}px`]
    }),
  )
}

/**
 * Controls in the bar above the tabs that the plugin window does not show whole: a label broken
 * over two lines, or a control reaching past the window's right edge.
 */
export async function crampedBarControls(plugin: PluginUi): Promise<string[]> {
  const frame = await plugin.frame()
  return frame.evaluate(() => {
    const width = document.documentElement.clientWidth
    const bar = document.querySelector('[role="tablist"]')?.parentElement
    if (!bar) throw new Error('no tab bar is open')
    return [...bar.querySelectorAll<HTMLElement>('button, select, a')].flatMap((control) => {
      const name = control.getAttribute('aria-label') ?? control.textContent ?? control.tagName
      const box = control.getBoundingClientRect()
      const lines = new Set([...control.getClientRects()].map((rect) => Math.round(rect.top)))
      const text = document.createRange()
      text.selectNodeContents(control)
      const textLines = new Set([...text.getClientRects()].map((rect) => Math.round(rect.top)))
      if (box.right > width + 0.5) return [`${name} ends ${Math.round(box.right - width)}px past the window`]
      if (lines.size > 1 || textLines.size > 1) return [`${name} is broken over ${Math.max(lines.size, textLines.size)} lines`]
      return []
    })
  })
}

export interface LogLineSeen {
  seq: number
  message: string
}

/**
 * Every line of the open log, in order, by scrolling the virtual list from top to bottom and
 * collecting the rows it renders on the way (only rows in view exist in the DOM).
 */
export async function readWholeLog(plugin: PluginUi): Promise<LogLineSeen[]> {
  const frame = await plugin.frame()
  return frame.evaluate(async () => {
    const viewport = document.querySelector<HTMLElement>('[data-log-viewport]')
    if (viewport === null) throw new Error('no log viewer is open')
    const seen = new Map<number, string>()
    const collect = () => {
      for (const line of viewport.querySelectorAll<HTMLElement>('[data-seq]')) {
        seen.set(Number(line.dataset.seq), line.querySelector('[data-message]')?.textContent ?? '')
      }
    }
    const frameOnce = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
    viewport.scrollTop = 0
    await frameOnce()
    for (;;) {
      collect()
      const before = viewport.scrollTop
      viewport.scrollTop = before + Math.max(20, viewport.clientHeight - 40)
      await frameOnce()
      if (viewport.scrollTop === before) break
    }
    collect()
    return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([seq, message]) => ({ seq, message }))
  })
}
