/**
 * How much of the engine matrix a suite runs, so the suite's time stays in budget as it grows.
 *
 * - Where the database engine decides the outcome (SQL functions, RLS, migrations, concurrency,
 *   the realtime feed, the REST translation), suites run every test on every engine:
 *   `describe.each(engines)` as usual.
 * - Where the engine is only the ground the code under test stands on (the client layer, the
 *   executor, the plugin session), `matrix(engine)` runs every test on PGlite, the engine of
 *   `npm start`, and on the other engines only the tests the suite marks `smoke` — unless
 *   OPS_TEST_MATRIX=full asks for every test everywhere.
 * - The same holds for the generation of API keys (test/support/key-modes.ts): every test with the
 *   default (new) keys, the smoke ones with the other keys.
 */
import { it as vitestIt, type TestFunction } from 'vitest'
import type { Engine } from './databases.ts'
import { DEFAULT_KEY_MODE, type KeyMode } from '../../local/api-keys.ts'

const FULL_MATRIX = process.env.OPS_TEST_MATRIX === 'full'

/** The engine every test of every suite runs on. */
const PRIMARY_ENGINE: Engine = 'pglite'

type Test = (name: string, body: TestFunction, timeout?: number) => void

export function matrix(engine: Engine, keys: KeyMode = DEFAULT_KEY_MODE): { it: Test; smoke: Test } {
  const everything = FULL_MATRIX || (engine === PRIMARY_ENGINE && keys === DEFAULT_KEY_MODE)
  return { it: everything ? vitestIt : vitestIt.skip, smoke: vitestIt }
}
