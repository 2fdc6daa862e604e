/**
 * Comments follow their requirement through edits: stored by the database against revision 1 of
 * the seeded PRD, placed on later revisions by the document view's threads. Moving paragraphs
 * keeps a thread on its requirement; removing the requirement (or the quoted passage) makes the
 * thread outdated, still listed with the text it was about.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { createTeamFixture, type Team } from '../support/teams.ts'
import { parseAnchors, findAnchor } from '../../supabase/functions/_shared/spec/anchors.ts'
import type { SpecCommentRow } from '../../src/client/spec-comments.ts'
import {
  anchorCounts,
  anchoredBlocks,
  proposalAnchorKey,
  proposalThreads,
  specThreads,
  threadMatches,
} from '../../src/ui/view-models/spec-comment-threads.ts'

const ADD =
  'select * from ops.add_spec_comment(p_doc_id => $1, p_body => $2, p_doc_version => $3, p_anchor_key => $4, p_anchor_text => $5, p_quote => $6, p_thread_id => $7, p_mentions => $8)'

describe('spec comment threads on the document as it reads now', () => {
  let test: TestDatabase
  let team: Team
  let doc: { id: string; slug: string; content: string }

  const save = async (content: string, version: number) => {
    await team.as('operator', 'select ops.save_spec_doc($1, $2, $3, $4)', [team.workspace, doc.slug, content, version])
  }
  // As JSON, the way REST hands rows to the plugin (times as text).
  const comments = async () =>
    (
      await team.as<{ row: SpecCommentRow }>(
        'viewer',
        'select to_jsonb(c) as row from ops.spec_comments c where doc_id = $1 order by created_at, id',
        [doc.id],
      )
    ).map((r) => r.row)

  beforeAll(async () => {
    test = await migratedDatabase('pglite')
    team = await createTeamFixture(test.db)
    const { rows } = await test.db.query<typeof doc>(
      "select id, slug, content from ops.spec_docs where workspace_id = $1 and slug like '%/prd'",
      [team.workspace],
    )
    doc = rows[0]
    const fr3 = findAnchor(parseAnchors(doc.content), 'FR-003')!
    const [root] = await team.as<SpecCommentRow>('approver', ADD, [doc.id, 'Why 10 s?', 1, 'FR-003', fr3.text, null, null, []])
    await team.as('viewer', ADD, [doc.id, '@approver it matches the lease', 1, null, null, null, root.id, [team.users.approver]])
    await team.as('viewer', ADD, [doc.id, 'Which function?', 1, 'FR-001', null, 'one SQL function that, atomically', null, []])
  })
  afterAll(() => test.drop())

  it('keeps a thread on its requirement after an edit that moves paragraphs', async () => {
    const lines = doc.content.split('\n')
    const at = lines.findIndex((line) => line.includes('**FR-003**'))
    const fr3 = lines[at]
    // FR-003 goes to the end of the requirements, and a new paragraph is added above them.
    const moved = [...lines.slice(0, at), ...lines.slice(at + 1)]
    const lastFr = moved.reduce((last, line, index) => (/^- \*\*FR-\d+\*\*/.test(line) ? index : last), -1)
    moved.splice(lastFr + 1, 0, fr3)
    moved.splice(at - 3, 0, '', 'A paragraph added above the requirements.', '')
    const edited = moved.join('\n')
    await save(edited, 1)

    const anchors = parseAnchors(edited)
    const threads = specThreads(await comments(), edited, anchors)
    const onFr3 = threads.find((t) => t.root.anchor_key === 'FR-003')!
    expect(onFr3.outdated).toBeNull()
    expect(onFr3.anchor?.line).toBe(edited.split('\n').indexOf(fr3) + 1)
    expect(onFr3.anchor?.line).not.toBe(at + 1)
    expect(onFr3.anchor?.text).toBe(onFr3.root.anchor_text)
    expect(onFr3.replies.map((r) => r.body)).toEqual(['@approver it matches the lease'])
    expect(anchorCounts(threads).get('FR-003')).toEqual({ open: 2, total: 2 })
    // The passage thread is placed on the requirement whose text holds the passage.
    expect(threads.find((t) => t.root.quote !== null)).toMatchObject({ outdated: null, anchor: { key: 'FR-001' } })
    // The document view shows FR-003's block, with its count, where FR-003 now is.
    const blocks = anchoredBlocks(edited, anchors)
    expect(blocks.map((b) => b.markdown).join('\n')).toBe(edited)
    expect(blocks.find((b) => b.anchor?.key === 'FR-003')?.markdown.trim()).toBe(fr3)
  })

  it('shows a thread as outdated, never lost, when its requirement or passage is removed', async () => {
    const [{ content, version }] = await team.as<{ content: string; version: number }>(
      'viewer',
      'select content, version from ops.spec_docs where id = $1',
      [doc.id],
    )
    const without = content
      .split('\n')
      .filter((line) => !line.includes('**FR-003**'))
      .join('\n')
      .replace('one SQL function that, atomically', 'a single SQL function that atomically')
    await save(without, version)

    const threads = specThreads(await comments(), without, parseAnchors(without))
    expect(threads.map((t) => [t.root.body, t.outdated, t.anchor?.key ?? null])).toEqual([
      ['Why 10 s?', 'anchor_gone', null],
      ['Which function?', 'passage_gone', null],
    ])
    expect(threads[0].root.anchor_text).toContain('Heartbeat MUST extend the lease')
    expect(anchorCounts(threads).size).toBe(0)
  })

  it('filters open threads, mine and the ones that mention me', async () => {
    const all = await comments()
    const threads = specThreads(all, doc.content, parseAnchors(doc.content))
    const bodies = (filter: 'open' | 'mine' | 'mentions' | 'all', me: string) =>
      threads.filter((t) => threadMatches(t, filter, me)).map((t) => t.root.body)
    expect(bodies('mine', team.users.approver)).toEqual(['Why 10 s?'])
    // In document order: FR-001 comes before FR-003.
    expect(bodies('mine', team.users.viewer)).toEqual(['Which function?', 'Why 10 s?'])
    expect(bodies('mentions', team.users.approver)).toEqual(['Why 10 s?'])
    expect(bodies('mentions', team.users.viewer)).toEqual([])
    await team.as('operator', 'select ops.set_spec_thread_resolved($1, true)', [threads.find((t) => t.root.body === 'Why 10 s?')!.root.id])
    const after = specThreads(await comments(), doc.content, parseAnchors(doc.content))
    expect(after.filter((t) => threadMatches(t, 'open', null)).map((t) => t.root.body)).toEqual(['Which function?'])
  })
  it('keeps the threads on a proposed change with the proposal, not among the document’s', async () => {
    const proposal = '00000000-0000-4000-8000-000000000123'
    const [root] = await team.as<SpecCommentRow>('viewer', ADD, [
      doc.id,
      'Which channel?',
      1,
      proposalAnchorKey(proposal),
      'Proposed change',
      null,
      null,
      [],
    ])
    await team.as('approver', ADD, [doc.id, '#ops', 1, null, null, null, root.id, []])
    const all = await comments()
    expect(proposalThreads(all, proposal).map((t) => [t.root.body, t.replies.map((r) => r.body), t.outdated])).toEqual([
      ['Which channel?', ['#ops'], null],
    ])
    expect(proposalThreads(all, '00000000-0000-4000-8000-000000000999')).toEqual([])
    expect(specThreads(all, doc.content, parseAnchors(doc.content)).map((t) => t.root.body)).not.toContain('Which channel?')
  })
})
