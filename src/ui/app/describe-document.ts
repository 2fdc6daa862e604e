/**
 * The page create-figma-plugin builds around the UI has no language or title; screen readers
 * need both to read it (and to name the window).
 */
export function describeDocument(title: string): void {
  document.documentElement.lang = 'en'
  document.title = title
}
