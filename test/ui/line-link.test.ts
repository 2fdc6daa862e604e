import { describe, expect, it } from 'vitest'
import { lineLink, parseLineLink } from '../../src/ui/view-models/line-link.ts'

const runId = '0b7f4c1e-3a52-4c8e-9a61-2f0d5e6b7c8d'

describe('a link to a log line', () => {
  it('round-trips the run and the line', () => {
    const link = lineLink({ runId, seq: 42 })
    expect(link).toBe(`ops-control-room://runs/${runId}/lines/42`)
    expect(parseLineLink(link)).toEqual({ runId, seq: 42 })
    expect(parseLineLink(`  ${link.toUpperCase().replace('OPS-CONTROL-ROOM', 'ops-control-room')}\n`)).toEqual({ runId, seq: 42 })
  })

  it('opens a run at its tail when the link names no line', () => {
    expect(parseLineLink(`ops-control-room://runs/${runId}`)).toEqual({ runId, seq: null })
  })

  it.each([
    '',
    'deploy web to staging',
    `https://example.com/runs/${runId}/lines/3`,
    `ops-control-room://runs/not-a-uuid/lines/3`,
    `ops-control-room://runs/${runId}/lines/-3`,
    `ops-control-room://runs/${runId}/lines/3<script>`,
    `ops-control-room://runs/${runId}/lines/${'9'.repeat(20)}`,
  ])('refuses %j', (text) => {
    expect(parseLineLink(text)).toBeNull()
  })
})
