import { useCallback, useEffect, useRef, useState } from 'preact/hooks'

export type ToastTone = 'info' | 'error'

export interface ToastMessage {
  text: string
  tone: ToastTone
}

/** Errors stay up longer: they are read, not glanced at. */
const SHOWN_MS: Record<ToastTone, number> = { info: 3000, error: 8000 }

/** One short notice at a time: a new one replaces the last and gets its own full time on screen. */
export function useToast(): { toast: ToastMessage | null; flash: (text: string, tone?: ToastTone) => void } {
  const [toast, setToast] = useState<ToastMessage | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  const flash = useCallback((text: string, tone: ToastTone = 'info') => {
    clearTimeout(timer.current)
    setToast({ text, tone })
    timer.current = setTimeout(() => setToast(null), SHOWN_MS[tone])
  }, [])
  return { toast, flash }
}
