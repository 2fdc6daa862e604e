/** The `Prefer` header preferences PostgREST honours and postgrest-js sends. */
export interface Preferences {
  return: 'minimal' | 'representation' | 'headers-only'
  count?: 'exact' | 'planned' | 'estimated'
  resolution?: 'merge-duplicates' | 'ignore-duplicates'
  missing?: 'default' | 'null'
}

export function parsePrefer(header: string | string[] | undefined): Preferences {
  const prefs: Preferences = { return: 'minimal' }
  const values = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')
  for (const value of values) {
    const [key, setting] = value
      .trim()
      .split('=')
      .map((part) => part.trim())
    if (key === 'return' && ['minimal', 'representation', 'headers-only'].includes(setting)) prefs.return = setting as Preferences['return']
    if (key === 'count' && ['exact', 'planned', 'estimated'].includes(setting)) prefs.count = setting as Preferences['count']
    if (key === 'resolution' && ['merge-duplicates', 'ignore-duplicates'].includes(setting))
      prefs.resolution = setting as Preferences['resolution']
    if (key === 'missing' && ['default', 'null'].includes(setting)) prefs.missing = setting as Preferences['missing']
    // Other preferences (tx, handling, timezone, max-affected) are ignored, as PostgREST's lenient
    // handling does by default.
  }
  return prefs
}

export function appliedPreferences(prefs: Preferences): string {
  const applied: string[] = []
  if (prefs.return !== 'minimal') applied.push(`return=${prefs.return}`)
  if (prefs.count) applied.push(`count=${prefs.count}`)
  if (prefs.resolution) applied.push(`resolution=${prefs.resolution}`)
  if (prefs.missing) applied.push(`missing=${prefs.missing}`)
  return applied.join(', ')
}
