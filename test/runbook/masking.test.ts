import { describe, expect, it } from 'vitest'
import { createMasker, maskDeep } from '../../supabase/functions/_shared/runbook/index.ts'

function base64(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

describe('createMasker', () => {
  it.each([
    ['raw', ['hunter22'], 'password=hunter22!', 'password=***!'],
    ['every occurrence', ['hunter22'], 'hunter22 and hunter22', '*** and ***'],
    ['URL-encoded', ['p@ss word/1'], `u=${encodeURIComponent('p@ss word/1')}&x=1`, 'u=***&x=1'],
    ['base64 alone', ['hunter22'], `token ${base64('hunter22')}`, 'token ***'],
    ['longest first, overlaps merged', ['abcdef', 'cdefgh'], 'xxabcdefghxx', 'xx***xx'],
    ['one secret inside another', ['secret-value', 'value'], 'a secret-value and a value', 'a *** and a ***'],
    ['unicode', ['pässwörd'], 'login pässwörd ok', 'login *** ok'],
    ['regex characters are literal', ['a.b*c+d'], 'a.b*c+d axbbbcd', '*** axbbbcd'],
    ['empty values ignored', ['', 'real-secret'], 'a real-secret b', 'a *** b'],
    ['nothing to mask', [], 'plain', 'plain'],
  ])('masks %s', (_name, secrets, text, expected) => {
    expect(createMasker(secrets)(text)).toBe(expected)
  })

  it.each([['user:hunter22'], ['u:hunter22'], ['admin:hunter22'], ['hunter22:x'], ['me:hunter22:more']])(
    'masks the secret inside a basic-auth value %j at any alignment',
    (credentials) => {
      const encoded = base64(credentials)
      const masked = createMasker(['hunter22'])(`Authorization: Basic ${encoded}`)
      expect(masked).toContain('***')
      // What is left cannot be decoded back into the secret.
      expect(masked).not.toContain(encoded)
      expect(masked).not.toContain(base64('hunter22').replace(/=+$/, ''))
    },
  )

  describe('short secrets (under 4 characters) are masked only where they stand alone', () => {
    const mask = createMasker(['abc', '7'])
    it.each([
      ['key=abc', 'key=***'],
      ['abc', '***'],
      ['(abc)', '(***)'],
      ['abcdef', 'abcdef'],
      ['xabc', 'xabc'],
      ['pin 7 of 17', 'pin *** of 17'],
      ['a b c', 'a b c'],
    ])('%j → %j', (text, expected) => {
      expect(mask(text)).toBe(expected)
    })
  })
})

describe('maskDeep', () => {
  it('masks string values in nested objects and arrays, not keys', () => {
    const mask = createMasker(['tok-123456'])
    expect(maskDeep({ 'tok-123456': ['Bearer tok-123456', 3, null, { deep: 'tok-123456' }], ok: true }, mask)).toEqual({
      'tok-123456': ['Bearer ***', 3, null, { deep: '***' }],
      ok: true,
    })
  })
})
