/**
 * One process per PGlite data folder: a second one would corrupt it. The lock file names the
 * owner's pid so a stale lock (the owner died) is taken over and a live one is reported.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

class DataFolderInUseError extends Error {
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(`the data folder ${folder} is in use by another local stack (process ${pid}). Stop that one first, or use another --data-dir.`)
  }
}

export function lockDataFolder(folder: string): () => void {
  const file = join(folder, 'stack.lock')
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' })
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error
    const owner = Number(readFileSync(file, 'utf8'))
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) throw new DataFolderInUseError(folder, owner)
    writeFileSync(file, String(process.pid))
  }
  return () => rmSync(file, { force: true })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errnoCode(error) === 'EPERM'
  }
}

/** The code of a failed system call (EEXIST, EPERM, …), if `error` is one. */
function errnoCode(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined
}
