/**
 * A link to one line of a run's log: the run's id and the line's seq, as text a person copies
 * from the log and pastes into the plugin (the Runs tab's "Open a link" field) to open the log
 * scrolled to that line. The plugin has no web address of its own, so the link is its own scheme.
 */

export interface LineLink {
  runId: string
  seq: number
}

const SCHEME = 'ops-control-room://'
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const LINE_LINK = new RegExp(`^${SCHEME}runs/(${UUID})(?:/lines/(\\d{1,9}))?$`, 'i')

export function lineLink({ runId, seq }: LineLink): string {
  return `${SCHEME}runs/${runId}/lines/${seq}`
}

/** The run and line a pasted link names (a run link without a line opens the run at its tail); null for anything else. */
export function parseLineLink(text: string): { runId: string; seq: number | null } | null {
  const match = LINE_LINK.exec(text.trim())
  if (match === null) return null
  const seq = match[2] === undefined ? null : Number(match[2])
  return { runId: match[1].toLowerCase(), seq: seq !== null && seq >= 1 ? seq : seq === null ? null : 1 }
}
