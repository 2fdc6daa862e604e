/**
 * Debian's Chromium driven by playwright-core, headless, with a fresh profile per launch. No
 * browser is ever downloaded: the executable is the system's. Playwright refuses a
 * --user-data-dir argument, so the fresh profile is given as launchPersistentContext's directory
 * (which Playwright passes to Chromium as --user-data-dir).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface LaunchedBrowser {
  context: BrowserContext
  close(): Promise<void>
}

export async function launchChromium(options: { width?: number; height?: number } = {}): Promise<LaunchedBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'ops-e2e-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: options.width ?? 1100, height: options.height ?? 900 },
    acceptDownloads: true,
  })
  return {
    context,
    async close() {
      await context.close().catch(() => {})
      await rm(profile, { recursive: true, force: true })
    },
  }
}
