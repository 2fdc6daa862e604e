/**
 * The input-pattern engine on its own terms: the RE2 syntax template authors use, what it
 * refuses and in which words, and hostile patterns and values that would stall a backtracking
 * engine or overflow a recursive one. Answers only, never timings.
 */
import { describe, expect, it } from 'vitest'
import { matchesPattern, patternProblem } from '../../../supabase/functions/_shared/runbook/pattern.ts'
import { dfaCacheUse, matchesWhole } from '../../../supabase/functions/_shared/runbook/regexp/match.ts'
import { parseRegexp } from '../../../supabase/functions/_shared/runbook/regexp/parse.ts'
import { compileProgram } from '../../../supabase/functions/_shared/runbook/regexp/program.ts'

/** Compiles without the template limits, so long and deep patterns reach the engine itself. */
function engineMatches(pattern: string, value: string): boolean {
  return matchesWhole(compileProgram(parseRegexp(pattern)), value)
}

describe('syntax', () => {
  it.each([
    ['literals and escapes', String.raw`a\.b\\c\t\/\-`, 'a.b\\c\t/-', 'a.b\\c\t/+'],
    ['any character but a newline', 'a.c', 'abc', 'a\nc'],
    ['(?s) lets . match a newline', '(?s)a.c', 'a\nc', 'ac'],
    ['a class with ranges and a literal -', '[a-z0-9_-]+', 'web_01-x', 'web.01'],
    ['a negated class', '[^/]+', 'repo', 'owner/repo'],
    ['\\d \\w \\s are ASCII', String.raw`\d\w\s`, '1a ', '١a '],
    ['\\D \\W \\S, also inside a class', String.raw`\D[\W\d]\S`, 'x-y', 'x-'],
    ['POSIX classes', '[[:alpha:]][[:digit:][:punct:]]+', 'a1!', '11!'],
    ['Unicode classes', String.raw`\p{L}\pN\P{L}`, 'é1-', 'é1a'],
    ['Unicode scripts', String.raw`\p{Greek}+`, 'λόγος', 'logos'],
    ['non-capturing and named groups', '(?:ab)+(?P<n>c)(?<m>d)', 'ababcd', 'abcdd'],
    ['alternation', 'staging|prod(uction)?', 'production', 'product'],
    ['lazy forms match the same whole values', 'a+?b*?c??', 'aabbc', 'abca'],
    ['counted repeats', 'x{2}y{1,2}z{2,}', 'xxyyzzz', 'xyzz'],
    ['{ that is not a count is a literal', 'a{,2}', 'a{,2}', 'aa'],
    ['\\A and \\z', String.raw`\Aab\z`, 'ab', 'abc'],
    ['(?m) makes ^ and $ lines', '(?m)a$\n^b', 'a\nb', 'ab'],
    ['\\b and \\B', String.raw`.*\bis\b.*\Bx`, 'this is ax', 'this isax'],
    ['(?i) folds case, scoped to its group', '(?i:k)k', '\u212Ak', 'kK'],
    ['\\Q…\\E quotes', String.raw`\Q1+1\E`, '1+1', '11'],
    ['hex and octal escapes', String.raw`\x41\x{1F600}\101`, 'A😀A', 'AA'],
    ['a surrogate pair is one character', '.{2}', '😀é', '😀😀é'],
  ])('%s: %s', (_what, pattern, accepted, refused) => {
    expect(patternProblem(pattern)).toBeNull()
    expect(matchesPattern(pattern, accepted)).toBe(true)
    expect(matchesPattern(pattern, refused)).toBe(false)
  })
})

describe('refusals, in the words RE2 uses', () => {
  it.each([
    [String.raw`(a)\1`, 'invalid escape sequence: `\\1`'],
    ['(?=a)a', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)b', 'invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=a)b', 'invalid or unsupported Perl syntax: `(?<=`'],
    ['(?<!a)b', 'invalid or unsupported Perl syntax: `(?<!`'],
    ['(ab', 'missing closing ): `(ab`'],
    ['ab)', 'unexpected ): `ab)`'],
    ['[a-z', 'missing closing ]: `[a-z`'],
    ['*a', 'missing argument to repetition operator: `*`'],
    ['a|*', 'missing argument to repetition operator: `*`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['a{3,2}', 'invalid repeat count: `{3,2}`'],
    ['(a{500}){3}', 'invalid repeat count: `{3}`'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['[[:word2:]]', 'invalid character class range: `[:word2:]`'],
    [String.raw`\p{Klingon}`, 'invalid character class range: `\\p{Klingon}`'],
    [String.raw`\p{L}|x}`, null],
    ['(?P<1-x>a)', 'invalid named capture: `(?P<1-x>`'],
    ['(?P<n>a)(?P<n>b)', 'duplicate capture group name: `n`'],
    ['a\\', 'trailing backslash at end of expression'],
    [String.raw`\Z`, 'invalid escape sequence: `\\Z`'],
  ])('%s', (pattern, reason) => {
    expect(patternProblem(pattern)?.message ?? null).toBe(reason === null ? null : `the pattern cannot be used (${reason})`)
  })

  it('says what would be accepted instead, naming RE2', () => {
    expect(patternProblem('(?=a)')?.expected).toContain('RE2')
  })

  it('a pattern that cannot be used matches nothing', () => {
    expect(matchesPattern('(a', '(a')).toBe(false)
  })
})

describe('hostile patterns and values', () => {
  const long = 'a'.repeat(64 * 1024 - 1)

  it.each([
    ['(a+)+$', long, true],
    ['(a+)+$', `${long.slice(1)}b`, false],
    ['(a|aa)*b', long, false],
    ['(a|aa)*b', `${long.slice(1)}b`, true],
    ['(.*a){20}', long, true],
    ['(.*a){20}', `${long.slice(1)}b`, false],
    ['(a*)*(b*)*c', long, false],
    ['(x+x+)+y', 'x'.repeat(64 * 1024 - 1), false],
  ])('%s answers for a 64 KB value', (pattern, value, expected) => {
    expect(patternProblem(pattern)).toBeNull()
    expect(matchesPattern(pattern, value)).toBe(expected)
  })

  it('refuses a pattern whose copies would be too many instructions, saying how many', () => {
    expect(patternProblem('.{0,999}.{0,999}')?.message).toBe('the pattern is too complex (it compiles to 3,997 instructions)')
    expect(patternProblem('a{1000}')?.message).toMatch(/too complex \(it compiles to 1,001 instructions\)/)
    expect(patternProblem('a{998}')).toBeNull()
  })

  it('refuses huge repeat counts without expanding them', () => {
    expect(patternProblem('a{99999999999}')?.message).toBe('the pattern cannot be used (invalid repeat count: `{99999999999}`)')
    expect(() => parseRegexp('((a{1000}){1000}){1000}')).toThrow('invalid repeat count: `{1000}`')
  })

  it('refuses an overlong pattern before parsing it', () => {
    expect(patternProblem('('.repeat(1000) + ')'.repeat(1000))?.message).toBe('the pattern is too long (2,000 characters)')
  })

  it('parses 1,000 nested groups without recursion, and refuses a tree nested deeper than RE2 allows', () => {
    expect(engineMatches(`${'('.repeat(1000)}a${')'.repeat(1000)}`, 'a')).toBe(true)
    expect(engineMatches(`${'(?:'.repeat(5000)}a${')'.repeat(5000)}`, 'b')).toBe(false)
    expect(() => parseRegexp(`${'('.repeat(1001)}a${')*'.repeat(1001)}`)).toThrow('expression nests too deeply')
    expect(() => parseRegexp('('.repeat(5000))).toThrow('missing closing )')
  })

  it('keeps its cache of steps bounded when the pattern has more DFA states than fit, and still answers right', () => {
    // (a|b)*a(a|b){12} needs a DFA state per possible last 13 characters: 8,192 of them.
    let seed = 1
    const randomAB = (length: number) =>
      Array.from({ length }, () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        return seed & 0x10000 ? 'a' : 'b'
      }).join('')
    const flip = (value: string) => `${value.slice(0, -13)}${value.at(-13) === 'a' ? 'b' : 'a'}${value.slice(-12)}`
    const program = compileProgram(parseRegexp('(a|b)*a(a|b){12}'))
    const random = randomAB(64 * 1024 - 1)
    const settling = randomAB(120) + 'a'.repeat(64 * 1024 - 200) + randomAB(79)
    // [value, cache bound, cleared, finished by the simulation alone]
    const cases: Array<[string, number | undefined, boolean, boolean]> = [
      [random, undefined, false, false], // all 8,192 states fit
      [settling, 64 * 1024, true, false], // cleared once, then the few states of a run of a's fit
      [random, 64 * 1024, true, true], // filled again at once: not worth caching
      [random, 1024, true, true],
    ]
    for (const [value, cacheBytes, cleared, simulated] of cases) {
      matchesWhole(program, '', cacheBytes) // a cache with this bound, holding the start state
      for (const tried of [value, flip(value)]) {
        const before = dfaCacheUse()
        expect(matchesWhole(program, tried, cacheBytes)).toBe(tried.at(-13) === 'a')
        const after = dfaCacheUse()
        expect([after.resets > before.resets, after.simulated > before.simulated]).toEqual([cleared, simulated])
        expect(after.bytes).toBeLessThanOrEqual(cacheBytes ?? 4 << 20)
      }
    }
  })
})
