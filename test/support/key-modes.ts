/**
 * The two generations of API keys a stack can run with (local/api-keys.ts), for the suites where
 * the keys decide the outcome: the stack's Auth, REST and Functions, and the executor's function.
 *
 * The key mode belongs to the HTTP layer, not to the database: `stackModes` runs every engine in
 * the default mode (new keys, as a project created today) and the legacy mode on PGlite, so the
 * suites cover both generations without doubling their time on every engine.
 */
import type { KeyMode } from '../../local/api-keys.ts'
import { DEFAULT_KEY_MODE } from '../../local/api-keys.ts'
import { engines, type Engine } from './databases.ts'

export const keyModes: readonly KeyMode[] = ['new', 'legacy']

/** [engine, key mode] pairs: every engine with the default keys, and each other key mode on PGlite. */
export const stackModes: [Engine, KeyMode][] = [
  ...engines.map((engine): [Engine, KeyMode] => [engine, DEFAULT_KEY_MODE]),
  ...keyModes.filter((mode) => mode !== DEFAULT_KEY_MODE).map((mode): [Engine, KeyMode] => ['pglite', mode]),
]
