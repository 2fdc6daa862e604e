/**
 * Copying and downloading text from the plugin iframe. Copying selects a hidden textarea and
 * runs execCommand('copy') inside the click, which works in Figma's iframe; the async clipboard
 * API comes second only, because where the permissions policy denies it, merely calling it logs a
 * policy violation in the console.
 */

export async function copyText(text: string): Promise<boolean> {
  if (copyBySelection(text)) return true
  try {
    if (navigator.clipboard !== undefined) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // Denied here as well.
  }
  return false
}

function copyBySelection(text: string): boolean {
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.setAttribute('aria-hidden', 'true')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  const focused = document.activeElement
  document.body.appendChild(area)
  area.select()
  try {
    return document.execCommand('copy')
  } catch {
    return false
  } finally {
    area.remove()
    // The person's focus goes back where it was (the Copy button), not to the page.
    if (focused instanceof HTMLElement) focused.focus()
  }
}

export function downloadText(fileName: string, text: string, mime = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
