/**
 * A new, empty database on a Postgres server, for a test file or a benchmark that must not share
 * state with anything else. Dropping it afterwards is the caller's job (`drop`).
 */
import pg from 'pg'
import { randomUUID } from 'node:crypto'

export interface FreshDatabase {
  url: string
  drop(): Promise<void>
}

export async function createFreshDatabase(serverUrl: string, prefix = 'ops_fresh'): Promise<FreshDatabase> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 16)}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: serverUrl })
      await dropper.connect()
      try {
        await dropper.query(`drop database if exists ${name} with (force)`)
      } finally {
        await dropper.end()
      }
    },
  }
}
