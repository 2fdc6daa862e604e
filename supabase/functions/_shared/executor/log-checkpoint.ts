/**
 * How many bytes a resumed run's log already holds, so its byte cap spans invocations without a
 * column of its own: every recorded step result carries the log's checkpoint (its last seq and
 * bytes at that moment), and only the lines written after the newest one are read back and
 * counted — a handful, except after a crash mid-step.
 */
import type { RunRow } from '../database/index.ts'
import type { LogCheckpoint } from './event-writer.ts'
import type { RunStore } from './store.ts'

/** The key of the checkpoint in a step result. */
export const CHECKPOINT_KEY = 'log_checkpoint'

function isCheckpoint(value: unknown): value is LogCheckpoint {
  return (
    typeof value === 'object' &&
    value !== null &&
    'seq' in value &&
    typeof value.seq === 'number' &&
    'bytes' in value &&
    typeof value.bytes === 'number'
  )
}

export async function loggedBytes(run: RunRow, store: RunStore): Promise<number> {
  let newest: LogCheckpoint = { seq: 0, bytes: 0 }
  for (const result of Object.values(run.step_results)) {
    const checkpoint = result[CHECKPOINT_KEY]
    if (isCheckpoint(checkpoint) && checkpoint.seq > newest.seq && checkpoint.seq <= run.last_seq) newest = checkpoint
  }
  return run.last_seq > newest.seq ? newest.bytes + (await store.eventBytesAfter(run.id, newest.seq)) : newest.bytes
}
