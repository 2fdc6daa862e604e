/** The main thread's names and limits: its relaunch command, clientStorage keys and plugin data keys. */

/** The relaunch command of run summary cards (package.json "figma-plugin".relaunchButtons). */
export const OPEN_RUN_COMMAND = 'open-run'

/** The relaunch command of a Spec Kit document's section on the board: reopens the plugin on the document. */
export const OPEN_SPEC_DOC_COMMAND = 'open-spec-doc'

/**
 * The namespace of the plugin's shared plugin data (a document's section, its frames, the
 * stickies it made or converted): shared, so every copy of the plugin (and any build id) reads
 * the same marks. At least three alphanumeric characters.
 */
export const SHARED_NAMESPACE = 'opscontrolroom'

/** Keys in figma.clientStorage. */
export const STORAGE_KEYS = {
  settings: 'settings',
  windowSize: 'window-size',
  /** Prefix of the UI's session storage (supabase-js auth), so it can never touch the others. */
  session: 'session:',
} as const

/** The longest session value kept: one session is a few kB; clientStorage holds 5 MB for the whole plugin. */
export const MAX_SESSION_VALUE_CHARS = 256 * 1024

/** Plugin data keys on nodes. */
export const PLUGIN_DATA = {
  runId: 'runId',
  card: 'card',
  /** On the document: which nodes are cards of which run. */
  cardIndex: 'cardIndex',
} as const
