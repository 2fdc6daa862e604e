import { useWindowResize } from '@create-figma-plugin/ui'
import { emit } from '@create-figma-plugin/utilities'
import type { ResizeHandler } from '../../messages.ts'

const LIMITS = { minWidth: 340, minHeight: 420, maxWidth: 1600, maxHeight: 1400 }

/** The corner handle resizes the plugin's window: only the main thread can (figma.ui.resize). */
export function useResizableWindow(): void {
  useWindowResize(({ width, height }) => emit<ResizeHandler>('RESIZE', width, height), LIMITS)
}
