import { on } from '@create-figma-plugin/utilities'
import { useEffect } from 'preact/hooks'
import type { CardAddedHandler, MainErrorHandler } from '../../messages.ts'
import type { ToastTone } from './use-toast.ts'

/** What the main thread reports back (a card dropped on the board, a failure there), as notices. */
export function useMainThreadNotices(notify: (text: string, tone: ToastTone) => void): void {
  useEffect(() => {
    const offAdded = on<CardAddedHandler>('CARD_ADDED', () => notify('Added a summary card to the board', 'info'))
    const offError = on<MainErrorHandler>('MAIN_ERROR', (message) => notify(message, 'error'))
    return () => {
      offAdded()
      offError()
    }
  }, [notify])
}
