/**
 * The ids that pair a tab with its panel for assistive technology: the tab's aria-controls names
 * the panel, the panel's aria-labelledby names the tab. The bar and whoever draws the panel use both.
 */
export function tabId(value: string): string {
  return `tab-${value}`
}

export function tabPanelId(value: string): string {
  return `panel-${value}`
}
