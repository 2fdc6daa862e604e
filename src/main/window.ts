/**
 * The plugin window's size: restored from figma.clientStorage when the plugin opens, changed by
 * the UI's resize handle (RESIZE), kept within sensible bounds and saved shortly after a drag.
 */
import type { ResizeHandler } from '../messages.ts'
import { STORAGE_KEYS } from './config.ts'
import { handle } from './dispatch.ts'
import { isRecord } from '../is-record.ts'

export interface WindowSize {
  width: number
  height: number
}

export const DEFAULT_SIZE: WindowSize = { width: 480, height: 680 }
const MIN_SIZE: WindowSize = { width: 340, height: 420 }
const MAX_SIZE: WindowSize = { width: 1600, height: 1400 }
const SAVE_DELAY_MS = 300

function clampSize(width: number, height: number): WindowSize {
  const clamp = (value: number, min: number, max: number, fallback: number) =>
    Number.isFinite(value) ? Math.round(Math.min(max, Math.max(min, value))) : fallback
  return {
    width: clamp(width, MIN_SIZE.width, MAX_SIZE.width, DEFAULT_SIZE.width),
    height: clamp(height, MIN_SIZE.height, MAX_SIZE.height, DEFAULT_SIZE.height),
  }
}

export async function loadWindowSize(): Promise<WindowSize> {
  const saved: unknown = await figma.clientStorage.getAsync(STORAGE_KEYS.windowSize)
  if (!isRecord(saved)) return DEFAULT_SIZE
  const { width, height } = saved
  return typeof width === 'number' && typeof height === 'number' ? clampSize(width, height) : DEFAULT_SIZE
}

export function serveResize(): void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let pending: WindowSize | null = null
  handle<ResizeHandler>('RESIZE', 'Could not resize the plugin window', (width, height) => {
    if (typeof width !== 'number' || typeof height !== 'number') {
      throw new Error(`RESIZE needs two numbers (width, height), got ${typeof width} and ${typeof height}`)
    }
    const size = clampSize(width, height)
    figma.ui.resize(size.width, size.height)
    // A drag sends many RESIZE messages: save the last one once the drag settles.
    pending = size
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      const last = pending
      pending = null
      if (last) {
        figma.clientStorage.setAsync(STORAGE_KEYS.windowSize, last).catch((error: unknown) => {
          console.error('[ops-control-room] could not remember the window size', error)
        })
      }
    }, SAVE_DELAY_MS)
  })
}
