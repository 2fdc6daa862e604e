/** Ways people name environments; used only when the input offers the canonical name. */
export const ENVIRONMENT_SYNONYMS: Readonly<Record<string, string>> = {
  prod: 'production',
  prd: 'production',
  live: 'production',
  production: 'production',
  stage: 'staging',
  stg: 'staging',
  staging: 'staging',
  dev: 'development',
  development: 'development',
}

/** Environment names and other words people use for a choice option; same rule. */
export const OPTION_SYNONYMS: Readonly<Record<string, string>> = {
  ...ENVIRONMENT_SYNONYMS,
  revert: 'rollback',
}

/** Words that say nothing about which runbook is meant. */
export const STOPWORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'to',
  'of',
  'in',
  'on',
  'at',
  'for',
  'and',
  'or',
  'with',
  'from',
  'into',
  'me',
  'my',
  'please',
  'is',
  'it',
  'this',
  'that',
  'now',
])

/**
 * "p1", "sev 1", "sev-1", "severity 1" and "severity1" become "sev1", so they meet a severity
 * input's options.
 */
export function normalizeSeverity(typed: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < typed.length; i++) {
    const word = typed[i]
    const joined = /^(?:p|sev|severity)([0-9])$/.exec(word)
    if (joined !== null) {
      out.push(`sev${joined[1]}`)
    } else if ((word === 'sev' || word === 'severity' || word === 'p') && /^[0-9]$/.test(typed[i + 1] ?? '')) {
      out.push(`sev${typed[i + 1]}`)
      i++
    } else {
      out.push(word)
    }
  }
  return out
}
