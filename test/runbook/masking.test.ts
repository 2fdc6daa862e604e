import { describe, expect, it } from 'vitest'
import { createMasker, maskDeep, MIN_SECRET_LINE_LENGTH } from '../../supabase/functions/_shared/runbook/index.ts'

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
  it('masks string values and keys in nested objects and arrays', () => {
    const mask = createMasker(['tok-123456'])
    expect(maskDeep({ 'tok-123456': ['Bearer tok-123456', 3, null, { deep: 'tok-123456' }], ok: true }, mask)).toEqual({
      '***': ['Bearer ***', 3, null, { deep: '***' }],
      ok: true,
    })
  })

  it('copies nothing that holds no secret, and never changes the value it was given', () => {
    const mask = createMasker(['tok-123456'])
    const clean = { a: ['x', 1, { b: 'y' }], c: null }
    expect(maskDeep(clean, mask)).toBe(clean)
    const mixed = { clean: { b: 'y' }, list: ['x', 'Bearer tok-123456'] }
    const masked = maskDeep(mixed, mask)
    expect(masked).toEqual({ clean: { b: 'y' }, list: ['x', 'Bearer ***'] })
    expect(masked.clean).toBe(mixed.clean)
    expect(mixed.list[1]).toBe('Bearer tok-123456')
    // A "__proto__" key stays a plain key in the copy.
    const proto = JSON.parse('{"__proto__": {"polluted": "tok-123456"}}') as Record<string, unknown>
    const copy = maskDeep(proto, mask)
    expect(Object.keys(copy)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('the forms a stored text may carry a secret in', () => {
  const quoted = 'S3cr"et\\pa\nss\tw0rd'
  const json = (text: string) => JSON.stringify(text).slice(1, -1)

  it.each([
    ['JSON-escaped (quote, backslash, newline, tab)', quoted, `body {"token":"${json(quoted)}"}`, 'body {"token":"***"}'],
    ['JSON inside JSON', quoted, `{"body":"${json(`{"token":"${json(quoted)}"}`)}"}`, '{"body":"{\\"token\\":\\"***\\"}"}'],
    ['JSON control-character escapes', 'ab\u0001cdef', `x "${json('ab\u0001cdef')}" y`, 'x "***" y'],
    ['JSON with non-ASCII as \\u escapes', 'pässwörd-42', 'v=p\\u00e4ssw\\u00f6rd-42;', 'v=***;'],
    ['form-encoded (+ for spaces)', 'pass word&more', 'a=pass+word%26more&b=1', 'a=***&b=1'],
    ['URL-encoded with lowercase hex', 'p@ss/word', 'u=p%40ss%2fword', 'u=***'],
    ['URLSearchParams encoding', "it's(ok)!", `q=${new URLSearchParams({ q: "it's(ok)!" }).toString().slice(2)}`, 'q=***'],
    ['base64url', 'key?>>secret~~', `t=${base64('key?>>secret~~').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.`, 't=***.'],
  ])('masks %s', (_name, secret, text, expected) => {
    expect(createMasker([secret])(text)).toBe(expected)
  })

  const pem = [
    '-----BEGIN PRIVATE KEY-----',
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
    'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
    'AbC=',
    '-----END PRIVATE KEY-----',
  ].join('\n')

  it('masks a multi-line secret whole, with either line ending, and each long line on its own', () => {
    const mask = createMasker([pem])
    expect(mask(`key: ${pem}`)).toBe('key: ***')
    expect(mask(`key: ${pem.replace(/\n/g, '\r\n')}`)).toBe('key: ***')
    expect(mask(`"${json(pem)}"`)).toBe('"***"')
    expect(mask(`line 2 alone: ${pem.split('\n')[2]} end`)).toBe('line 2 alone: *** end')
  })

  it(`leaves a multi-line secret's short lines (under ${MIN_SECRET_LINE_LENGTH} characters) in ordinary text`, () => {
    const mask = createMasker([pem])
    expect(mask('AbC= and END PRIVATE')).toBe('AbC= and END PRIVATE')
  })
})
