/** Two texts as a unified diff (what DiffView shows), named by what each side is. */
import { unifiedDiff } from '../../../supabase/functions/_shared/spec/unified-diff.ts'

export function textDiff(before: string, after: string, beforeName: string, afterName: string): string {
  // The --- and +++ lines name the two sides; no ===== line above them.
  return unifiedDiff(withNewline(before), withNewline(after), { oldName: beforeName, newName: afterName }, { context: 3 })
}

/** A last line without a newline would show as changed when only the other side has one. */
function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`
}
