import { useEffect, useState } from 'preact/hooks'
import type { ConnectionMonitor } from '../../client/connection.ts'
import type { ConnectionState } from '../../client/types.ts'

export function useConnection(monitor: ConnectionMonitor): ConnectionState {
  const [state, setState] = useState<ConnectionState>(monitor.state)
  useEffect(() => monitor.subscribe(setState), [monitor])
  return state
}
