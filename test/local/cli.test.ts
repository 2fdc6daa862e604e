/** `npm start` tried as a new user would: start, connect with supabase-js, restart, misuse. */
import { afterEach, describe, expect, it } from 'vitest'
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCli, type RunningCli } from '../support/cli.ts'
import { opsClient } from '../support/stack.ts'
import { waitFor } from '../support/executor.ts'

const running: RunningCli[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()))
})

function start(args: string[], bundled = false) {
  const cli = startCli(args, {}, { bundled })
  running.push(cli)
  return cli
}

const keyFrom = (output: string, label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(output)![1]

describe('npm start', () => {
  it('runs the stack as a bundle that serves the Edge Functions too, and restarts without building or migrating', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ops-stack-'))
    const first = start(['--port', '0', '--data-dir', dataDir], true)
    await first.ready
    expect(first.output()).toContain('Applied migrations: 20250103000000')
    expect(await first.stop()).toBe(0)

    const again = start(['--port', '0', '--data-dir', dataDir], true)
    const url = await again.ready
    expect(again.output()).toContain('The plugin, preview and widget are up to date with their sources: not building them.')
    expect(again.output()).toContain('The database is up to date with the migrations: nothing to check or apply.')
    expect(again.output()).not.toContain('Applied migrations')
    // The functions are TypeScript outside the bundle: they load at their first request.
    const serviceKey = keyFrom(again.output(), 'secret key')
    const response = await fetch(`${url}/functions/v1/ops-executor`, {
      method: 'POST',
      headers: { apikey: serviceKey, authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(await response.json()).toEqual({ accepted: true, drain: true })
    expect(again.output()).not.toContain('failed')
  }, 240_000)

  it('serves a fresh stack that supabase-js signs in to, reads, writes and subscribes to; data survives a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ops-stack-'))
    const cli = start(['--port', '0', '--data-dir', dataDir])
    const url = await cli.ready
    expect(cli.output()).toContain('Applied migrations: 20250103000000')
    expect(cli.output()).toMatch(/started in \d+\.\d\d s/)
    expect(cli.output()).toContain(`In Figma         ${url.replace('127.0.0.1', 'localhost')} (the plugin's Supabase URL)`)
    const anonKey = keyFrom(cli.output(), 'publishable key')
    const serviceKey = keyFrom(cli.output(), 'secret key')
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok', database: 'pglite' })

    const user = opsClient(url, anonKey)
    const service = opsClient(url, serviceKey)
    const { error: signInError } = await user.auth.signInAnonymously()
    expect(signInError).toBeNull()
    const templates = await user.from('run_templates').select('slug').order('slug')
    expect(templates.data).toEqual([{ slug: 'deploy-web' }, { slug: 'incident-open' }])
    const { data: run } = await user
      .from('runs')
      .insert({ template_slug: 'deploy-web', title: 'Deploy web to staging' })
      .select('id')
      .single()

    const received: number[] = []
    const subscribed = new Promise<void>((resolve) => {
      user
        .channel(`run-${run!.id}`)
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events', filter: `run_id=eq.${run!.id}` }, (change) =>
          received.push((change.new as { seq: number }).seq),
        )
        .subscribe((status) => status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED && resolve())
    })
    await subscribed
    await service.rpc('claim_run', { p_worker: 'cli-test', p_run_id: run!.id })
    await service.rpc('append_run_events', { p_run_id: run!.id, p_worker: 'cli-test', p_events: [{ message: 'one' }, { message: 'two' }] })
    await waitFor(() => (received.length === 2 ? true : undefined), 'two realtime events')
    expect(received).toEqual([1, 2])
    await user.removeAllChannels()

    expect(await cli.stop()).toBe(0)
    expect(cli.output()).toContain('Stopped.')

    const again = start(['--port', '0', '--data-dir', dataDir])
    const url2 = await again.ready
    expect(again.output()).not.toContain('Applied migrations')
    expect(again.output()).toContain('The database is up to date with the migrations: nothing to check or apply.')
    const after = opsClient(url2, serviceKey)
    const { data: kept } = await after.from('runs').select('id, last_seq').eq('id', run!.id).single()
    expect(kept).toEqual({ id: run!.id, last_seq: 2 })
    await again.stop()

    const reset = start(['--port', '0', '--data-dir', dataDir, '--reset'])
    const url3 = await reset.ready
    expect(reset.output()).toContain('Applied migrations: 20250103000000')
    const fresh = opsClient(url3, serviceKey)
    expect((await fresh.from('runs').select('id')).data).toEqual([])
    // Three starts, two of them migrating a new PGlite: a busy 2-vCPU machine needs more than the default.
  }, 120_000)

  it('also serves the plugin preview, the built plugin in a page standing in for Figma', async () => {
    const cli = start(['--port', '0', '--preview-port', '0', '--data-dir', await mkdtemp(join(tmpdir(), 'ops-stack-'))])
    await cli.ready
    const preview = /Plugin preview\s+(http:\/\/\S+)/.exec(cli.output())
    expect(preview, cli.output()).not.toBeNull()
    const page = await fetch(preview![1])
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('plugin preview')
  }, 60_000)

  it('says clearly that the port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const cli = start(['--port', String(port), '--data-dir', await mkdtemp(join(tmpdir(), 'ops-stack-'))])
      expect(await cli.exited).toBe(1)
      expect(cli.output()).toContain(`port ${port} on 127.0.0.1 is already in use`)
    } finally {
      blocker.close()
    }
  }, 60_000)

  it('says clearly that the data folder is unusable or already in use', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'ops-stack-')), 'not-a-folder')
    await writeFile(file, 'x')
    const bad = start(['--port', '0', '--data-dir', file])
    expect(await bad.exited).toBe(1)
    expect(bad.output()).toContain(`Cannot use the data folder ${file}`)

    const dataDir = await mkdtemp(join(tmpdir(), 'ops-stack-'))
    const first = start(['--port', '0', '--data-dir', dataDir])
    await first.ready
    const second = start(['--port', '0', '--data-dir', dataDir])
    expect(await second.exited).toBe(1)
    expect(second.output()).toContain(`in use by another local stack (process ${first.child.pid})`)
    // Three stack processes start one after another: on a loaded 2-vCPU machine that takes longer than the default 30 s.
  }, 90_000)

  it('explains bad options', async () => {
    const cli = start(['--port', 'eighty'])
    expect(await cli.exited).toBe(2)
    expect(cli.output()).toContain('--port must be a number from 0 to 65535, not "eighty"')
  })
})
