import { describe, expect, it } from 'vitest'
import { diffLines, diffStat } from '../../src/ui/view-models/diff-lines.ts'

describe('diffLines', () => {
  it('classifies the executor’s proposed Spec Kit change', () => {
    const diff = [
      '===================================================================',
      '--- a/tasks.md\tversion 1',
      '+++ b/tasks.md\tproposed',
      '@@ -163,2 +163,3 @@',
      ' ',
      ' - Each story’s test task can be written early.',
      '+- [ ] Follow up sev2 incident in production: checkout errors',
      '',
    ].join('\n')
    expect(diffLines(diff).map((line) => line.kind)).toEqual(['header', 'header', 'header', 'hunk', 'context', 'context', 'added'])
  })

  it.each([
    {
      name: 'removed line that looks like a file header',
      diff: '--- a/x\n+++ b/x\n@@ -1,2 +1,1 @@\n--- not a header\n context\n',
      expected: ['header', 'header', 'hunk', 'removed', 'context'],
    },
    { name: 'added line that looks like a file header', diff: '@@ -1 +1,2 @@\n x\n+++ plus\n', expected: ['hunk', 'context', 'added'] },
    {
      name: 'no newline marker',
      diff: '@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n',
      expected: ['hunk', 'removed', 'header', 'added'],
    },
    {
      name: 'two hunks',
      diff: '@@ -1 +1 @@\n-a\n+b\n@@ -9 +9 @@\n-c\n+d\n',
      expected: ['hunk', 'removed', 'added', 'hunk', 'removed', 'added'],
    },
    {
      name: 'second file',
      diff: '@@ -1 +1 @@\n-a\n+b\ndiff --git a/y b/y\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-c\n+d',
      expected: ['hunk', 'removed', 'added', 'header', 'header', 'header', 'hunk', 'removed', 'added'],
    },
    { name: 'a plain change list without hunks', diff: '+ added thing\n- removed thing\nsame', expected: ['added', 'removed', 'context'] },
    { name: 'CRLF line ends', diff: '@@ -1 +1 @@\r\n-a\r\n+b\r\n', expected: ['hunk', 'removed', 'added'] },
    { name: 'empty', diff: '', expected: [] },
  ])('$name', ({ diff, expected }) => {
    expect(diffLines(diff).map((line) => line.kind)).toEqual(expected)
  })

  it('keeps the text exactly, markup included', () => {
    const lines = diffLines('@@ -1 +1 @@\n-<script>x()</script>\n+<img src=x onerror=alert(1)>\n')
    expect(lines.map((line) => line.text)).toEqual(['@@ -1 +1 @@', '-<script>x()</script>', '+<img src=x onerror=alert(1)>'])
  })

  it('counts additions and removals', () => {
    expect(diffStat(diffLines('@@ -1,2 +1,3 @@\n-a\n+b\n+c\n d\n'))).toEqual({ added: 2, removed: 1 })
  })
})
