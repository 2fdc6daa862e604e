/**
 * Our linear-time engine against RE2 itself (re2js, a development dependency kept for this test
 * only): realistic input patterns over many values, then seeded random patterns and values,
 * must agree on accept/reject and on compile error/no error.
 */
import { RE2JS } from 're2js'
import { describe, expect, it } from 'vitest'
import { matchesWhole } from '../../../supabase/functions/_shared/runbook/regexp/match.ts'
import { parseRegexp } from '../../../supabase/functions/_shared/runbook/regexp/parse.ts'
import { compileProgram } from '../../../supabase/functions/_shared/runbook/regexp/program.ts'

/** RE2's answer: null when the pattern does not compile, else whether the whole value matches. */
function re2(pattern: string): ((value: string) => boolean) | null {
  let regexp: RE2JS
  try {
    regexp = RE2JS.compile(pattern)
  } catch {
    return null
  }
  return (value) => regexp.matches(value)
}

function ours(pattern: string): ((value: string) => boolean) | null {
  let program
  try {
    program = compileProgram(parseRegexp(pattern))
  } catch {
    return null
  }
  return (value) => matchesWhole(program, value)
}

/** Every disagreement, as readable text (an empty list when the engines agree). */
function disagreements(pattern: string, values: readonly string[]): string[] {
  const expected = re2(pattern)
  const actual = ours(pattern)
  if ((expected === null) !== (actual === null)) {
    return [
      `${JSON.stringify(pattern)}: RE2 ${expected === null ? 'refuses' : 'compiles'} it, we ${actual === null ? 'refuse' : 'compile'} it`,
    ]
  }
  if (expected === null || actual === null) return []
  return values
    .filter((value) => expected(value) !== actual(value))
    .map((value) => `${JSON.stringify(pattern)} on ${JSON.stringify(value)}: RE2 ${expected(value)}, we ${actual(value)}`)
}

/** Small, fast and deterministic (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const REALISTIC: Record<string, { pattern: string; values: string[] }> = {
  semver: {
    pattern: String.raw`v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?`,
    values: [
      '1.2.3',
      'v1.2.3',
      '01.2.3',
      '1.2',
      '1.2.3-rc.1',
      '1.2.3-rc.01',
      '1.2.3+build.5',
      '1.2.3-alpha+001',
      '1.2.3.4',
      '',
      'v',
      '10.20.30-beta-2',
    ],
  },
  slug: {
    pattern: '[a-z0-9]+(?:-[a-z0-9]+)*',
    values: ['deploy-web', 'deploy--web', '-web', 'web-', 'Web', 'a', '', 'a-b-c-1', 'a_b'],
  },
  hostname: {
    pattern: String.raw`(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}`,
    values: [
      'example.com',
      'API.Example.COM',
      'a.b',
      'a.b.c',
      '-a.com',
      'a-.com',
      'localhost',
      'x.' + 'y'.repeat(70),
      'exa_mple.com',
      'ex ample.com',
    ],
  },
  email: {
    pattern: String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`,
    values: ['ops@example.com', 'a.b+c@d.io', '@example.com', 'a@b', 'a@b.c', 'a b@c.de', 'x@y.zz\n', 'é@x.com'],
  },
  envName: {
    pattern: '[A-Z_][A-Z0-9_]*',
    values: ['PATH', '_X', '9X', 'lower', 'A-B', 'A_1', '', 'ÄX'],
  },
  arn: {
    pattern: String.raw`arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:[\w+=,.@/:-]+`,
    values: [
      'arn:aws:iam::123456789012:role/Deploy',
      'arn:aws-cn:s3:::bucket',
      'arn:aws:lambda:eu-west-1:123456789012:function:x',
      'arn:aws:iam::12345:role/x',
      'arn:gcp:iam::123456789012:r',
    ],
  },
  k8sName: {
    pattern: '[a-z0-9]([-a-z0-9]*[a-z0-9])?',
    values: ['web', 'web-1', '-web', 'web-', 'Web', 'w', '', 'a'.repeat(63), 'a.b'],
  },
  unicodeName: {
    pattern: String.raw`\p{Lu}[\p{L}\p{M}' -]*`,
    values: ['Zoë', 'Émile Zola', "O'Brien", 'zoë', 'Ωmega', '李', 'Łukasz', 'Anne-Marie', 'X1', 'Ä\u0308x'],
  },
  posix: {
    pattern: '[[:alpha:]][[:alnum:]_]*[[:^space:]]?',
    values: ['abc', 'a1_', 'a1 ', '1a', 'ab!', 'a\t'],
  },
  anchorsAndFlags: {
    pattern: String.raw`(?m)^\w+$\n^\d+$`,
    values: ['abc\n123', 'abc\n12a', 'abc123', '\n1'],
  },
  wordBoundary: {
    pattern: String.raw`.*\bend\b.*`,
    values: ['the end', 'ending', 'end', 'weekend', 'end.', 'x end y'],
  },
  dotAll: {
    pattern: '(?s)begin.*end',
    values: ['begin\nend', 'beginend', 'begin x end', 'begin\n'],
  },
  dotNoNewline: {
    pattern: 'begin.*end',
    values: ['begin\nend', 'beginend', 'begin x end'],
  },
  astral: {
    pattern: String.raw`[😀-😂]+\x{1F680}?.`,
    values: ['😀😁x', '😂🚀y', '😃x', '😀', '😀🚀', '\ud83d'],
  },
  escapes: {
    pattern: String.raw`\Q1+1=2\E\t\/\-\.\\\x41\101\u`.replace('\\u', '\\_'),
    values: ['1+1=2\t/-.\\AA_', '1+1=2\t/-.\\AA', '11=2\t/-.\\AA_'],
  },
  caseFolding: {
    pattern: '(?i)k[a-c]+(?-i:x)',
    values: ['KAbx', 'kabX', '\u212Aax', 'kdx', 'Kx'],
  },
  namedGroups: {
    pattern: '(?P<major>\\d+)\\.(?<minor>\\d+)',
    values: ['1.2', '1.', '12.34'],
  },
  counted: {
    pattern: '[0-9a-f]{7,40}|x{3}|y{2,}',
    values: ['abc1234', 'abc123', 'a'.repeat(40), 'a'.repeat(41), 'xxx', 'xx', 'yy', 'yyyy', 'y'],
  },
  lazy: {
    pattern: 'a+?b*?c??',
    values: ['a', 'ab', 'abc', 'aabbc', 'c'],
  },
  negatedClass: {
    pattern: '[^/\\s]+(/[^/\\s]+)*',
    values: ['owner/repo', 'owner//repo', 'a b', '/a', 'a/', 'a\nb'],
  },
}

describe('the engine agrees with RE2', () => {
  it.each(Object.entries(REALISTIC))('on %s', (_name, { pattern, values }) => {
    expect(ours(pattern)).not.toBeNull()
    expect(disagreements(pattern, values)).toEqual([])
  })

  const ATOMS = [
    'a',
    'b',
    'ab',
    '.',
    '[ab]',
    '[^a]',
    '[a-c]',
    '\\d',
    '\\w',
    '\\s',
    '\\W',
    'A',
    '-',
    '_',
    '1',
    ' ',
    '\\n',
    '\\pL',
    '\\p{Lu}',
    '[[:alpha:]]',
    '\\.',
    'é',
    '😀',
    '\\P{Lu}',
    '\\S',
    '\\D',
    '[^\\W]',
    '[\\W]',
    '[[:^alpha:]]',
    '[^[:upper:]]',
    '[k-s]',
    '\\x{212A}',
  ]
  const ASSERTIONS = ['^', '$', '\\b', '\\B', '\\A', '\\z']
  const OPERATORS = ['*', '+', '?', '*?', '{2}', '{1,3}', '{0,2}', '{2,}']
  const FLAGS = ['', '', '', '(?i)', '(?s)', '(?m)', '(?i:']
  const VALUE_CHARS = ['a', 'b', 'c', 'A', 'B', '1', ' ', '-', '_', '\n', '.', 'é', 'É', '😀', 'K', 'k', 's', 'S', 'ſ', '\u212a']

  /** A syntactically valid pattern: atoms, groups, alternation, repeats and assertions. */
  function validPattern(next: () => number, depth = 0): string {
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]
    const pieces: string[] = []
    const count = 1 + Math.floor(next() * 4)
    for (let k = 0; k < count; k++) {
      const roll = next()
      let piece =
        roll < 0.1
          ? pick(ASSERTIONS)
          : roll < 0.3 && depth < 3
            ? `(${next() < 0.5 ? '?:' : ''}${validPattern(next, depth + 1)})`
            : pick(ATOMS)
      if (!ASSERTIONS.includes(piece) && next() < 0.4) piece += pick(OPERATORS)
      pieces.push(piece)
    }
    const body = pieces.join('')
    return next() < 0.25 ? `${body}|${validPattern(next, depth + 1)}` : body
  }

  function randomValue(next: () => number): string {
    const length = Math.floor(next() * 7)
    let value = ''
    for (let k = 0; k < length; k++) value += VALUE_CHARS[Math.floor(next() * VALUE_CHARS.length)]
    return value
  }

  it('on 2,000 random patterns, each against 30 random values', () => {
    const next = random(19)
    const problems: string[] = []
    for (let k = 0; k < 2000; k++) {
      let pattern = validPattern(next)
      const flag = FLAGS[Math.floor(next() * FLAGS.length)]
      pattern = flag === '(?i:' ? `(?i:${pattern})` : flag + pattern
      const values = Array.from({ length: 30 }, () => randomValue(next))
      problems.push(...disagreements(pattern, values))
    }
    expect(problems.slice(0, 20)).toEqual([])
  })

  it('on 5,000 random strings of syntax characters: the same patterns compile, and those match alike', () => {
    const SYNTAX = [
      '(',
      ')',
      '|',
      '*',
      '+',
      '?',
      '{',
      '}',
      ',',
      '1',
      '0',
      '3',
      '[',
      ']',
      '^',
      '$',
      '-',
      '\\',
      'a',
      'b',
      'd',
      'p',
      'P',
      'x',
      'Q',
      'E',
      ':',
      '<',
      '>',
      '=',
      '!',
      'i',
      'z',
      '.',
    ]
    const next = random(7)
    const problems: string[] = []
    for (let k = 0; k < 5000; k++) {
      const length = 1 + Math.floor(next() * 8)
      let pattern = ''
      for (let c = 0; c < length; c++) pattern += SYNTAX[Math.floor(next() * SYNTAX.length)]
      const values = Array.from({ length: 10 }, () => randomValue(next))
      problems.push(...disagreements(pattern, values))
    }
    expect(problems.slice(0, 20)).toEqual([])
  })

  it('at word and line boundaries beside non-ASCII characters, whose steps the engine caches', () => {
    const patterns = [
      String.raw`(?:\b.|\B.)*`,
      String.raw`.*\bé.*`,
      String.raw`.*é\b.*`,
      String.raw`.*\Bé\B.*`,
      String.raw`(?:\b\w+\b|\W)*`,
      String.raw`(?:\pL+\b\s?)*`,
      String.raw`(?m)(?:^.$\n?)*`,
      String.raw`(?m)(?:^é|λ$|\n|a)*`,
      String.raw`(?s)(?:\A.|\b.|.\z)*`,
      String.raw`(?:😀\b|a\B|\bé)*`,
    ]
    const values = ['', 'é', 'aé', 'éa', 'a é', 'é\na', 'a\né', 'λa_é', 'éé', 'aa', '😀a', 'a😀', 'é😀é', 'x\n\né\nλ', 'a é\nb λ😀_1']
    // Each value twice, and the list twice, so the later answers come from cached steps.
    const repeated = [...values, ...values].flatMap((value) => [value, value, value + value])
    expect(patterns.flatMap((pattern) => disagreements(pattern, repeated))).toEqual([])
  })
})
