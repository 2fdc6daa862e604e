import { describe, expect, it } from 'vitest'
import { EventStore } from '../../src/client/event-store.ts'
import { logFileName, logText } from '../../src/ui/view-models/log-text.ts'

describe('logText', () => {
  it('writes one line per event with level, place and message as text', () => {
    const { text, count } = logText(
      EventStore.of('r', [
        {
          id: 1,
          run_id: 'r',
          seq: 1,
          ts: '2025-01-03T10:00:00Z',
          level: 'info',
          source: 'executor',
          phase: null,
          step_id: null,
          message: 'Claimed',
          data: null,
        },
        {
          id: 2,
          run_id: 'r',
          seq: 2,
          ts: '2025-01-03T10:00:01Z',
          level: 'warn',
          source: 'dispatch',
          phase: 'execute',
          step_id: 'dispatch',
          message: '<b>not bold</b>',
          data: null,
        },
      ]),
    )
    expect(count).toBe(2)
    expect(text).toBe('    1 2025-01-03T10:00:00Z INFO  [executor] Claimed\n    2 2025-01-03T10:00:01Z WARN  [dispatch] <b>not bold</b>\n')
    expect(logText(EventStore.of('r', []))).toEqual({ text: '', count: 0 })
  })

  it.each([
    { id: '1a2b3c4d-0000-4000-8000-000000000000', name: 'run-1a2b3c4d.log' },
    { id: '../../etc', name: 'run-etc.log' },
    { id: '', name: 'run-log.log' },
  ])('names the file for $id', ({ id, name }) => {
    expect(logFileName(id)).toBe(name)
  })
})
