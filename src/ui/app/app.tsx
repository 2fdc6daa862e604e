import '!./global.css'
import { h } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import type { Settings, UiBootData } from '../../client/types.ts'
import { createOpsServices } from '../services/ops-services.ts'
import { ServicesContext } from '../services/services-context.ts'
import { Shell } from './shell.tsx'

/**
 * The plugin UI. `boot` is what the main thread passed to showUI. The services (client, API,
 * connection monitor) are made for the current settings and made again when they change.
 */
export function App(boot: UiBootData) {
  const [settings, setSettings] = useState<Settings>(boot.settings)
  const services = useMemo(() => createOpsServices(settings), [settings])
  useEffect(() => () => services.dispose(), [services])
  return (
    <ServicesContext.Provider value={services}>
      <Shell boot={boot} onSettingsChange={setSettings} />
    </ServicesContext.Provider>
  )
}
