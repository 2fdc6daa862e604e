import { useEffect, useState } from 'preact/hooks'

/** The current time, ticking every `intervalMs` while `active` (a live duration). */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [active, intervalMs])
  return active ? now : Date.now()
}
