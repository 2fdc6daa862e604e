/**
 * `npm start`: the whole backend on one machine. Opens PGlite in a data folder (or the Postgres
 * at DATABASE_URL), applies the bootstrap and migrations on first start, serves the stack on
 * 127.0.0.1:54321, serves the plugin preview (the built plugin in a page that stands in for
 * Figma) on localhost:5173, and prints what a client needs to connect.
 */
import { rm, mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from './db/open.ts'
import { migrate } from './db/migrate.ts'
import { lockDataFolder } from './db/lock.ts'
import { PROJECT_ROOT } from './config.ts'
import { DEFAULT_PORT, startStack } from './stack.ts'
import { DEFAULT_KEY_MODE, parseKeyMode } from './api-keys.ts'
import { DEFAULT_PREVIEW_PORT, startPreview, type Preview } from './preview/server.ts'
import { errorMessage } from '../supabase/functions/_shared/error-message.ts'

const USAGE = `Usage: npm start -- [options]

  --port <n>          API port (default ${DEFAULT_PORT}; 0 picks a free one)
  --preview-port <n>  plugin preview port (default ${DEFAULT_PREVIEW_PORT}; 0 picks a free one)
  --no-preview        serve only the backend, without the plugin preview
  --host <address>    address the API listens on (default 127.0.0.1)
  --data-dir <dir>    PGlite data folder (default .local-data/pglite)
  --reset             start from an empty database (deletes the PGlite data folder)
  --keys <mode>       API keys: new (default, as a project created today: publishable and secret
                      keys, legacy keys disabled, ES256 user tokens) or legacy (the anon and
                      service_role JWT keys of an older project, HS256 user tokens)
  --realtime-cap <n>  realtime messages per second for the project, as hosted plans cap them
                      (Free 100, Pro 500); a socket past it is disconnected (default: no cap)
  --help              show this

Set DATABASE_URL=postgres://… to use a real Postgres instead of PGlite.`

async function main(): Promise<number> {
  const started = performance.now()
  let args
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        'preview-port': { type: 'string' },
        'no-preview': { type: 'boolean', default: false },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        reset: { type: 'boolean', default: false },
        keys: { type: 'string', default: DEFAULT_KEY_MODE },
        'realtime-cap': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values
  } catch (error) {
    console.error(`${errorMessage(error)}\n\n${USAGE}`)
    return 2
  }
  if (args.help) {
    console.log(USAGE)
    return 0
  }
  const port = args.port === undefined ? Number(process.env.PORT ?? DEFAULT_PORT) : Number(args.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number from 0 to 65535, not "${args.port}"`)
    return 2
  }
  const previewPort = args['preview-port'] === undefined ? DEFAULT_PREVIEW_PORT : Number(args['preview-port'])
  if (!Number.isInteger(previewPort) || previewPort < 0 || previewPort > 65535) {
    console.error(`--preview-port must be a number from 0 to 65535, not "${args['preview-port']}"`)
    return 2
  }
  const url = process.env.DATABASE_URL
  const dataDir = resolve(PROJECT_ROOT, args['data-dir'] ?? '.local-data/pglite')

  let unlock = () => {}
  if (!url) {
    if (args.reset) await rm(dataDir, { recursive: true, force: true })
    try {
      await mkdir(dataDir, { recursive: true })
      unlock = lockDataFolder(dataDir)
    } catch (error) {
      console.error(`Cannot use the data folder ${dataDir}: ${errorMessage(error)}`)
      return 1
    }
  } else if (args.reset) {
    console.error('--reset only applies to the PGlite data folder; drop and recreate the Postgres database yourself.')
    return 2
  }

  let db
  try {
    db = await openDatabase(url ? { url } : { dataDir })
  } catch (error) {
    unlock()
    console.error(errorMessage(error))
    return 1
  }
  try {
    const report = await migrate(db)
    if (report.applied.length > 0) console.log(`Applied migrations: ${report.applied.join(', ')}`)
    if (report.upToDate) console.log('The database is up to date with the migrations: nothing to check or apply.')
  } catch (error) {
    console.error(`Could not prepare the database (${db.location}): ${errorMessage(error)}`)
    await db.close()
    unlock()
    return 1
  }

  let stack
  try {
    const keys = parseKeyMode(args.keys, '--keys')
    const cap = args['realtime-cap'] === undefined ? undefined : Number(args['realtime-cap'])
    if (cap !== undefined && !(Number.isInteger(cap) && cap > 0)) {
      throw new Error(`--realtime-cap must be a whole number of messages per second above 0, not "${args['realtime-cap']}"`)
    }
    stack = await startStack({ db, port, host: args.host, drainIntervalMs: 1000, keys, realtimeMessagesPerSecond: cap })
  } catch (error) {
    console.error(errorMessage(error))
    await db.close()
    unlock()
    return 1
  }

  // The plugin preview is a convenience: when it cannot start, the stack still serves.
  let preview: Preview | null = null
  let previewLine: string
  if (args['no-preview']) {
    previewLine = 'off (--no-preview)'
  } else {
    try {
      preview = await startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: previewPort })
      previewLine =
        preview.missing.length > 0
          ? `${preview.url} (not built yet: ${preview.missing.join(', ')} missing; run npm run build)`
          : preview.url
    } catch (error) {
      previewLine = `not started: ${errorMessage(error)}`
    }
  }

  // Ctrl-C stops the stack from the moment it says it is ready (a signal before the handler would kill it as it is).
  const stopRequested = new Promise<void>((resolveStop) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      console.log(`\n${signal}: stopping…`)
      resolveStop()
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })

  const seconds = ((performance.now() - started) / 1000).toFixed(2)
  // Figma lets a plugin reach the local stack as localhost only (its manifest's devAllowedDomains).
  const figmaUrl = stack.url.replace('//127.0.0.1:', '//localhost:')
  console.log(`
Ops Control Room local stack is running (started in ${seconds} s)

  API URL          ${stack.url}
  Health           ${stack.url}/health
  In Figma         ${figmaUrl} (the plugin's Supabase URL)
  ${
    stack.keyMode === 'new'
      ? `publishable key  ${stack.anonKey} (the plugin's key)
  secret key       ${stack.serviceRoleKey} (servers only; legacy keys are off)`
      : `anon key         ${stack.anonKey} (legacy keys: build the plugin with OPS_SUPABASE_ANON_KEY set to it)
  service_role key ${stack.serviceRoleKey}`
  }
  Database         ${db.kind === 'pglite' ? `PGlite in ${db.location}` : `Postgres at ${db.location}`}
  Plugin preview   ${previewLine}

Press Ctrl-C to stop.`)

  await stopRequested
  await preview?.close()
  await stack.close()
  await db.close()
  unlock()
  console.log('Stopped.')
  return 0
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
