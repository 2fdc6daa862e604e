import { h } from 'preact'
import { tabId, tabPanelId } from '../components/tab-bar/tab-ids.ts'
import { tabDefinition, type Tab, type TabScope } from './tabs.tsx'
import styles from './tab-panel.css'

export interface TabPanelProps {
  tab: Tab
  scope: TabScope
  /** Why the templates could not be listed: every tab that runs them is affected. */
  catalogError: string | null
}

/** The selected tab's content, labelled by its tab in the bar. */
export function TabPanel({ tab, scope, catalogError }: TabPanelProps) {
  return (
    <div class={styles.panel} role="tabpanel" id={tabPanelId(tab)} aria-labelledby={tabId(tab)}>
      {catalogError === null ? null : (
        <p class={styles.error} role="alert">
          {catalogError}
        </p>
      )}
      <TabContent key={tab} tab={tab} scope={scope} />
    </div>
  )
}

/** Keyed by tab, so a tab starts afresh each time it is chosen. */
function TabContent({ tab, scope }: { tab: Tab; scope: TabScope }) {
  return tabDefinition(tab).render(scope)
}
