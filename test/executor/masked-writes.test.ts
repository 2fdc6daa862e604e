/** What RunStore writes: masked first, then cut to size, so a cut never shows part of a secret. */
import { describe, expect, it } from 'vitest'
import { MAX_DATA_BYTES, MAX_MESSAGE_CHARS, maskedArtifact, maskedEvent } from '../../supabase/functions/_shared/executor/masked-writes.ts'
import { createMasker } from '../../supabase/functions/_shared/runbook/index.ts'

const SECRET = 'sk-live-0123456789abcdef'
const mask = createMasker([SECRET])

describe('maskedEvent', () => {
  it('masks a secret that the message cut would split, instead of keeping its first half', () => {
    const message = `${'x'.repeat(MAX_MESSAGE_CHARS - 10)}${SECRET}${'y'.repeat(100)}`
    const stored = maskedEvent({ message }, mask).message
    expect(stored).not.toContain(SECRET.slice(0, 10))
    expect(stored).toContain('***')
    expect(stored).toMatch(/more characters not kept\]$/)
  })

  it('masks every string of the data, keys too, before deciding it is too large', () => {
    const data = { [SECRET]: { header: `Bearer ${SECRET}`, body: JSON.stringify({ token: SECRET }) }, pad: 'z'.repeat(MAX_DATA_BYTES) }
    const stored = maskedEvent({ message: 'm', data }, mask).data as { truncated: boolean; preview: string }
    expect(stored.truncated).toBe(true)
    expect(stored.preview).toContain('"***":{"header":"Bearer ***","body":"{\\"token\\":\\"***\\"}"}')
    expect(JSON.stringify(maskedEvent({ message: SECRET, data: { [SECRET]: [SECRET] } }, mask))).not.toContain(SECRET)
  })
})

describe('maskedArtifact', () => {
  it('masks the title and content, and keeps no link whose URL holds a secret', () => {
    expect(maskedArtifact({ key: 'k', kind: 'file', title: `Dump ${SECRET}`, content: `token=${SECRET}` }, mask)).toEqual({
      key: 'k',
      kind: 'file',
      title: 'Dump ***',
      content: 'token=***',
    })
    expect(maskedArtifact({ key: 'k', kind: 'link', title: 'Hook', url: `https://hooks.example.com/${SECRET}` }, mask)).toBeNull()
    expect(maskedArtifact({ key: 'k', kind: 'link', title: 'Docs', url: 'https://docs.example.com/' }, mask)).toMatchObject({
      url: 'https://docs.example.com/',
    })
  })
})
