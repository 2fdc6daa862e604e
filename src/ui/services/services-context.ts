import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { OpsServices } from './ops-services.ts'

export const ServicesContext = createContext<OpsServices | null>(null)

export function useServices(): OpsServices {
  const services = useContext(ServicesContext)
  if (services === null) throw new Error('useServices() needs a ServicesContext.Provider above it (the App provides one)')
  return services
}
