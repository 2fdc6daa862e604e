/**
 * supabase/config.toml as the local stack reads it: the project's own file gives the settings the
 * stack runs with, missing settings take the Supabase CLI's defaults, and a setting of the wrong
 * type stops the stack with a message naming the file and the setting instead of being ignored.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../local/config.ts'

describe('loadConfig', () => {
  let dir: string
  const file = async (name: string, toml: string) => {
    const path = join(dir, name)
    await writeFile(path, toml)
    return path
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ops-config-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("reads the project's config.toml", async () => {
    expect(await loadConfig()).toEqual({
      schemas: ['public', 'graphql_public', 'ops'],
      maxRows: 1000,
      anonymousSignIns: true,
      emailSignUps: true,
      jwtExpiry: 3600,
      functions: { 'ops-executor': { verifyJwt: false, enabled: true } },
    })
  })

  it('takes the defaults for what the file leaves out, and ignores settings it does not use', async () => {
    const path = await file('sparse.toml', 'project_id = "x"\n[db]\nport = 1\n[auth.email]\nenable_signup = false\n[functions.echo]\n')
    expect(await loadConfig(path)).toEqual({
      schemas: ['public'],
      maxRows: 1000,
      anonymousSignIns: false,
      emailSignUps: false,
      jwtExpiry: 3600,
      functions: { echo: { verifyJwt: true, enabled: true } },
    })
  })

  it('refuses a setting of the wrong type, naming the file and every setting that is wrong', async () => {
    const path = await file('wrong.toml', '[api]\nmax_rows = "many"\n[functions.echo]\nverify_jwt = "no"\n')
    const failure = loadConfig(path)
    await expect(failure).rejects.toThrow(`cannot use ${path}:`)
    await expect(failure).rejects.toThrow(/api\.max_rows: .*expected number/)
    await expect(failure).rejects.toThrow(/functions\.echo\.verify_jwt: .*expected boolean/)
  })

  it('says which file cannot be read', async () => {
    await expect(loadConfig(join(dir, 'missing.toml'))).rejects.toThrow(`cannot read ${join(dir, 'missing.toml')}`)
    await expect(loadConfig(await file('broken.toml', '[api\n'))).rejects.toThrow(/cannot read .*broken\.toml/)
  })
})
