/**
 * Lists of steps in log lines, bounded: the first few are named and the rest counted, so a line
 * that lists a template's steps stays small however many steps the template has.
 */

/** Steps named one by one in a log line or its data; the rest are counted ("and 30 more"). */
const MAX_LISTED = 20

/** The first items and how many more there are, as event data (`more_steps` only when some are left out). */
export function listedSteps<T>(items: readonly T[]): { steps: T[]; more_steps?: number } {
  const more = items.length - MAX_LISTED
  return more > 0 ? { steps: items.slice(0, MAX_LISTED), more_steps: more } : { steps: [...items] }
}

/** "a, b, c" or "a, b, … t and 30 more". */
export function namedSteps(names: readonly string[]): string {
  const { steps, more_steps: more } = listedSteps(names)
  return more ? `${steps.join(', ')} and ${more} more` : steps.join(', ')
}
