import { useState } from 'preact/hooks'

/**
 * A choice kept for as long as the plugin is open (every run's log opens with it), and forgotten
 * when it closes: the UI iframe has no storage of its own, and a view option is not worth a trip
 * to the main thread's clientStorage.
 */
const kept = new Map<string, unknown>()

export function useSessionPreference<T>(name: string, initial: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => (kept.has(name) ? (kept.get(name) as T) : initial))
  return [
    value,
    (next: T) => {
      kept.set(name, next)
      setValue(next)
    },
  ]
}
