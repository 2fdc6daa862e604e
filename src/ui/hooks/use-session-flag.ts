import { useState } from 'preact/hooks'

/**
 * An on/off choice kept for as long as the plugin is open (every run's log opens with it), and
 * forgotten when it closes: the UI iframe has no storage of its own, and a view option is not
 * worth a trip to the main thread's clientStorage.
 */
const kept = new Map<string, boolean>()

export function useSessionFlag(name: string, initial: boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState<boolean>(() => kept.get(name) ?? initial)
  return [
    value,
    (next: boolean) => {
      kept.set(name, next)
      setValue(next)
    },
  ]
}
