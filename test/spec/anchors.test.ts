import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { anchorAtLine, findAnchor, headingKey, parseAnchors } from '../../supabase/functions/_shared/spec/anchors.ts'

const seeded = ['constitution', 'prd', 'plan', 'tasks'].map((name) => ({
  name,
  content: readFileSync(new URL(`../../spec/continue-orchestrator/${name}.md`, import.meta.url), 'utf8'),
}))

/** Every ID a line defines, found independently of the parser: bold FR-/SC- list items, task checkboxes. */
function definedIds(content: string): string[] {
  const ids: string[] = []
  let fenced = false
  for (const line of content.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced
    if (fenced) continue
    const requirement = /^\s*- \*\*((?:FR|SC)-\d+)\*\*/.exec(line)
    const task = /^\s*- \[[ xX]\] (T\d{3})\b/.exec(line)
    const id = requirement?.[1] ?? task?.[1]
    if (id) ids.push(id)
  }
  return ids
}

describe('spec anchors', () => {
  it('finds every FR-, SC- and T- ID of the four seeded documents with its text', () => {
    let total = 0
    for (const { name, content } of seeded) {
      const anchors = parseAnchors(content)
      const ids = definedIds(content)
      total += ids.length
      for (const id of ids) {
        const anchor = findAnchor(anchors, id)
        expect(anchor, `${name}: ${id}`).toBeDefined()
        const line = content.split('\n')[anchor!.line - 1]
        expect(line, `${name}: ${id} points at its own line`).toContain(id)
        expect(anchor!.text.length, `${name}: ${id} has text`).toBeGreaterThan(10)
        expect(anchor!.text).not.toContain('**')
      }
    }
    expect(total).toBeGreaterThan(70)
    const prd = parseAnchors(seeded[1].content)
    expect(findAnchor(prd, 'FR-003')?.text).toMatch(/^Heartbeat MUST extend the lease/)
    expect(findAnchor(prd, 'SC-009')?.kind).toBe('criterion')
    expect(findAnchor(prd, 'US-3')).toMatchObject({ kind: 'story', id: 'User Story 3' })
    expect(findAnchor(prd, 'US-3')!.text).toMatch(/^User Story 3 - Approve or reject/)
    const tasks = parseAnchors(seeded[3].content)
    expect(findAnchor(tasks, 'T001')?.text).toMatch(/^Create the layout of plan\.md/)
  })

  it('finds anchors again by ID after paragraphs move, and by text for headings', () => {
    const before = '# Spec\n\n## Scope\n\n- **FR-001**: first\n- **FR-002**: second\n\n## Edge Cases\n\ntext\n'
    const after = '# Spec\n\n## Edge Cases\n\ntext\n\n## Scope\n\n- **FR-002**: second, reworded\n\n- **FR-001**: first\n'
    const keys = parseAnchors(before)
      .map((anchor) => anchor.key)
      .sort()
    const moved = parseAnchors(after)
    expect(moved.map((anchor) => anchor.key).sort()).toEqual(keys)
    expect(findAnchor(moved, 'FR-002')).toMatchObject({ line: 9, text: 'second, reworded' })
    expect(findAnchor(moved, headingKey('Edge Cases'))?.line).toBe(3)
    expect(findAnchor(parseAnchors('# Spec\n\n- **FR-002**: second\n'), 'FR-001')).toBeUndefined()
  })

  it('joins continuation lines, ignores mentions and fenced code, and keys repeats apart', () => {
    const doc = [
      '## Requirements',
      '- **FR-010**: System MUST do a thing',
      '  across two lines.',
      '- Depends on FR-010 and T001.',
      '```',
      '- **FR-099**: inside a fence',
      '```',
      '- [ ] T001 [P] Write `code` in [a file](x.md)',
      '## Requirements',
    ].join('\n')
    const anchors = parseAnchors(doc)
    expect(anchors.map((anchor) => anchor.key)).toEqual(['h:requirements', 'FR-010', 'T001', 'h:requirements~2'])
    expect(findAnchor(anchors, 'FR-010')).toMatchObject({ text: 'System MUST do a thing across two lines.', line: 2, endLine: 3 })
    expect(findAnchor(anchors, 'T001')?.text).toBe('[P] Write code in a file')
    expect(findAnchor(anchors, 'h:requirements')).toMatchObject({ line: 1, endLine: 8 })
    expect(anchorAtLine(anchors, 3)?.key).toBe('FR-010')
    expect(anchorAtLine(anchors, 4)?.key).toBe('h:requirements')
  })
})
