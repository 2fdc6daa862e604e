import { useCallback, useEffect, useState } from 'preact/hooks'
import type { OpsApi } from '../../client/types.ts'
import { templateCatalog, type CatalogEntry } from '../view-models/template-catalog.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'

interface TemplateCatalogState {
  /** null until the first list arrives. */
  catalog: CatalogEntry[] | null
  /** Why the templates could not be listed, until the next attempt. */
  error: string | null
}

interface CatalogHandle extends TemplateCatalogState {
  /** Lists the templates again (after a template was saved). */
  reload: () => void
}

interface Loaded extends TemplateCatalogState {
  api: OpsApi
}

/**
 * The runbook templates the signed-in user can run, listed again for each user who signs in and
 * for each new API (new settings): another project's templates are never shown.
 */
export function useTemplateCatalog(api: OpsApi, userId: string | null): CatalogHandle {
  const [loaded, setLoaded] = useState<Loaded>({ api, catalog: null, error: null })
  const [generation, setGeneration] = useState(0)
  const reload = useCallback(() => setGeneration((current) => current + 1), [])
  useEffect(() => {
    if (userId === null) return
    let stopped = false
    // While listing again, and if that fails, the list this API gave before stays.
    const withError = (error: string | null) => (current: Loaded) => ({ api, catalog: current.api === api ? current.catalog : null, error })
    setLoaded(withError(null))
    api.listTemplates().then(
      (rows) => !stopped && setLoaded({ api, catalog: templateCatalog(rows), error: null }),
      (caught: unknown) => !stopped && setLoaded(withError(errorMessage(caught))),
    )
    return () => {
      stopped = true
    }
  }, [api, userId, generation])
  return loaded.api === api ? { ...loaded, reload } : { catalog: null, error: null, reload }
}
