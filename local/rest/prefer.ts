/** The `Prefer` header preferences PostgREST honours and postgrest-js sends. */
const RETURNS = ['minimal', 'representation', 'headers-only'] as const
const COUNTS = ['exact', 'planned', 'estimated'] as const
const RESOLUTIONS = ['merge-duplicates', 'ignore-duplicates'] as const
const MISSING = ['default', 'null'] as const

export interface Preferences {
  return: (typeof RETURNS)[number]
  count?: (typeof COUNTS)[number]
  resolution?: (typeof RESOLUTIONS)[number]
  missing?: (typeof MISSING)[number]
}

/** The setting if it is one of `options`, else undefined (an unknown setting is ignored). */
const oneOf = <T extends string>(options: readonly T[], setting: string): T | undefined => options.find((option) => option === setting)

export function parsePrefer(header: string | string[] | undefined): Preferences {
  const prefs: Preferences = { return: 'minimal' }
  const values = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')
  for (const value of values) {
    const [key, setting = ''] = value
      .trim()
      .split('=')
      .map((part) => part.trim())
    if (key === 'return') prefs.return = oneOf(RETURNS, setting) ?? prefs.return
    if (key === 'count') prefs.count = oneOf(COUNTS, setting) ?? prefs.count
    if (key === 'resolution') prefs.resolution = oneOf(RESOLUTIONS, setting) ?? prefs.resolution
    if (key === 'missing') prefs.missing = oneOf(MISSING, setting) ?? prefs.missing
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
