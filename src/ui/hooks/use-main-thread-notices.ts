import { on } from '@create-figma-plugin/utilities'
import { useEffect } from 'preact/hooks'
import type { CardAddedHandler, CardShownHandler, MainErrorHandler } from '../../messages.ts'
import type { ToastTone } from './use-toast.ts'

/** What the main thread reports back (a card dropped on the board, a failure there), as notices. */
export function useMainThreadNotices(notify: (text: string, tone: ToastTone) => void): void {
  useEffect(() => {
    const offAdded = on<CardAddedHandler>('CARD_ADDED', () => notify('Added a summary card to the board', 'info'))
    const offShown = on<CardShownHandler>('CARD_SHOWN', () => notify('This run already has a card on the board: showing it', 'info'))
    const offError = on<MainErrorHandler>('MAIN_ERROR', (message) => notify(message, 'error'))
    return () => {
      offAdded()
      offShown()
      offError()
    }
  }, [notify])
}
