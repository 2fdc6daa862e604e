import { h, type ComponentChildren, type JSX } from 'preact'
import styles from './tab-bar.css'
import { tabId, tabPanelId } from './tab-ids.ts'

export interface TabOption<Value extends string> {
  value: Value
  label: string
}

export interface TabBarProps<Value extends string> {
  tabs: readonly TabOption<Value>[]
  /** null while none is shown (the settings are open). */
  value: Value | null
  onChange: (value: Value) => void
  /** Whether the selected tab's panel is on the page (not while a run's log covers it). */
  panelShown?: boolean
  /** Controls at the right end of the bar (settings, account). */
  trailing?: ComponentChildren
}

/** The plugin's tabs as real buttons with the tab role; arrow keys move between them. */
export function TabBar<Value extends string>({ tabs, value, onChange, panelShown = true, trailing = null }: TabBarProps<Value>) {
  const move = (event: JSX.TargetedKeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    if (step === 0) return
    event.preventDefault()
    const next = tabs[(index + step + tabs.length) % tabs.length]
    onChange(next.value)
    const bar = event.currentTarget.parentElement
    bar?.querySelector<HTMLButtonElement>(`[data-tab="${next.value}"]`)?.focus()
  }
  return (
    <div class={styles.bar}>
      <div class={styles.tabs} role="tablist" aria-label="Sections">
        {tabs.map((tab, index) => (
          <button
            key={tab.value}
            type="button"
            role="tab"
            id={tabId(tab.value)}
            data-tab={tab.value}
            aria-selected={tab.value === value}
            // Only the selected tab's panel exists: pointing at the others would name missing elements.
            aria-controls={panelShown && tab.value === value ? tabPanelId(tab.value) : undefined}
            tabIndex={tab.value === value || (value === null && index === 0) ? 0 : -1}
            class={tab.value === value ? `${styles.tab} ${styles.selected}` : styles.tab}
            onClick={() => onChange(tab.value)}
            onKeyDown={(event) => move(event, index)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div class={styles.trailing}>{trailing}</div>
    </div>
  )
}
