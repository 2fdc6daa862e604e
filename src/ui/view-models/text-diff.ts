/** Two texts as a unified diff (what DiffView shows), named by what each side is. */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff'

export function textDiff(before: string, after: string, beforeName: string, afterName: string): string {
  return createTwoFilesPatch(beforeName, afterName, withNewline(before), withNewline(after), undefined, undefined, {
    context: 3,
    // The --- and +++ lines name the two sides; no Index or ===== line above them.
    headerOptions: FILE_HEADERS_ONLY,
  })
}

/** A last line without a newline would show as changed when only the other side has one. */
function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`
}
