/** A plain-text table for the terminal and the README. */
export function table(title: string, rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return `${title}\n  (no rows)\n`
  const columns = Object.keys(rows[0])
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '–'
    if (typeof value === 'number') return value.toLocaleString('en-US')
    if (typeof value === 'string' || typeof value === 'boolean') return String(value)
    return JSON.stringify(value)
  }
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)))
  const line = (values: string[]) => `| ${values.map((value, i) => value.padEnd(widths[i])).join(' | ')} |`
  return [
    `### ${title}`,
    '',
    line(columns),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map((row) => line(columns.map((column) => cell(row[column])))),
    '',
  ].join('\n')
}
