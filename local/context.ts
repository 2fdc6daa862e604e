import type { Database } from './db/database.ts'
import type { StackConfig } from './config.ts'

/** What every part of the stack shares: the database, the configuration and its own URL. */
export interface StackContext {
  db: Database
  config: StackConfig
  /** The stack's base URL as clients reach it, e.g. http://127.0.0.1:54321. */
  url: string
  /** Largest request body accepted, in bytes. */
  bodyLimit: number
  /** Which API keys the stack uses (local/api-keys.ts); `new` also signs user tokens with ES256. */
  keyMode?: 'legacy' | 'new'
}
