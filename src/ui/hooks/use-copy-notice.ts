/**
 * Copying a text that was not saved (a save conflict's "Copy mine"), with what to tell the person:
 * copied, blocked (and where to copy it by hand), or why it failed.
 */
import { useState } from 'preact/hooks'
import { copyText } from '../browser/save-text.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'

export function useCopyNotice(text: string, whereToCopyByHand: string): { notice: string | null; copy: () => Promise<void> } {
  const [notice, setNotice] = useState<string | null>(null)
  const copy = async (): Promise<void> => {
    try {
      setNotice((await copyText(text)) ? 'Copied' : `Copying was blocked: ${whereToCopyByHand}`)
    } catch (error) {
      setNotice(`Could not copy: ${errorMessage(error)}`)
    }
  }
  return { notice, copy }
}
