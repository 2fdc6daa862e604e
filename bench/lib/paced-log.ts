/**
 * Logs `rate` lines per second for `seconds` through an executor's EventWriter, each line carrying
 * the time it was logged (`data.sent`, ms since the epoch) so a subscriber can measure latency;
 * awaits log() (the writer's back-pressure) and flushes at the end. Returns when the first line was
 * logged.
 */
import type { EventWriter } from '../../supabase/functions/_shared/executor/event-writer.ts'

/** The wall clock in ms with sub-ms precision, comparable across the bench's processes and pages. */
export const wallClock = () => performance.timeOrigin + performance.now()

export async function logAtRate(writer: EventWriter, rate: number, seconds: number, tickMs = 5): Promise<number> {
  const total = rate * seconds
  const perTick = (rate * tickMs) / 1000
  const started = wallClock()
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor(((wallClock() - started) / tickMs + 1) * perTick))
    for (; sent < due; sent++) await writer.log({ message: `line ${sent}`, data: { sent: wallClock() } })
    await new Promise((resolve) => setTimeout(resolve, tickMs))
  }
  await writer.flush()
  return started
}
