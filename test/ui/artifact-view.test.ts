import { describe, expect, it } from 'vitest'
import { artifactFileName, downloadMime, formatBytes, isTextFile, safeLinkUrl } from '../../src/ui/view-models/artifact-view.ts'

describe('safeLinkUrl', () => {
  it.each([
    {
      url: 'https://github.com/acme/web/actions/workflows/deploy.yml',
      expected: 'https://github.com/acme/web/actions/workflows/deploy.yml',
    },
    { url: 'http://127.0.0.1:54321/x', expected: 'http://127.0.0.1:54321/x' },
    { url: 'javascript:alert(1)', expected: null },
    { url: 'JavaScript:alert(1)', expected: null },
    { url: 'data:text/html,<script>alert(1)</script>', expected: null },
    { url: 'file:///etc/passwd', expected: null },
    { url: '/relative/path', expected: null },
    { url: null, expected: null },
  ])('$url', ({ url, expected }) => {
    expect(safeLinkUrl(url)).toBe(expected)
  })
})

describe('files', () => {
  it.each([
    { mime: 'text/plain', content: 'x', text: true },
    { mime: 'application/json', content: '{}', text: true },
    { mime: 'application/vnd.api+json', content: '{}', text: true },
    { mime: null, content: 'x', text: true },
    { mime: 'image/png', content: 'x', text: false },
    { mime: 'text/plain', content: null, text: false },
  ])('$mime is shown as text: $text', ({ mime, content, text }) => {
    expect(isTextFile({ mime, content })).toBe(text)
  })

  it.each([
    { mime: 'text/html', expected: 'text/plain' },
    { mime: 'image/svg+xml', expected: 'text/plain' },
    { mime: 'application/javascript', expected: 'text/plain' },
    { mime: null, expected: 'text/plain' },
    { mime: 'application/json', expected: 'application/json' },
  ])('downloads $mime as $expected', ({ mime, expected }) => {
    expect(downloadMime(mime)).toBe(expected)
  })

  it.each([
    { size: null, text: '' },
    { size: -1, text: '' },
    { size: 12, text: '12 B' },
    { size: 2048, text: '2.0 KB' },
    { size: 3 * 1024 * 1024, text: '3.0 MB' },
  ])('$size bytes → "$text"', ({ size, text }) => {
    expect(formatBytes(size)).toBe(text)
  })

  it.each([
    { title: 'Proposed change to tasks.md', kind: 'diff' as const, mime: null, name: 'Proposed-change-to-tasks.md' },
    { title: 'Health report', kind: 'file' as const, mime: 'application/json', name: 'Health-report.json' },
    { title: 'Notes', kind: 'file' as const, mime: 'text/plain', name: 'Notes.txt' },
    { title: 'Changes', kind: 'diff' as const, mime: null, name: 'Changes.diff' },
    { title: '../../../etc/passwd', kind: 'file' as const, mime: null, name: 'etc-passwd.txt' },
    { title: '', kind: 'file' as const, mime: null, name: 'artifact.txt' },
  ])('names "$title" $name', ({ title, kind, mime, name }) => {
    expect(artifactFileName({ title, kind, mime })).toBe(name)
  })
})
