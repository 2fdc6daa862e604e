/**
 * A bench-only Edge Function: logs `lines` lines for a run claimed by the worker `bench`, through
 * the executor's own writer (masking, batching, back-pressure), in one request — the log of a
 * step that prints a great deal, under the local stack's Deno worker and its limits.
 */
import { createClient } from '@supabase/supabase-js'
import type { Database } from '../../../supabase/functions/_shared/database/index.ts'
import { projectKeys } from '../../../supabase/functions/_shared/executor/api-keys.ts'
import { EventWriter } from '../../../supabase/functions/_shared/executor/event-writer.ts'
import { RunStore } from '../../../supabase/functions/_shared/executor/store.ts'

type DenoLike = { env: { get(name: string): string | undefined }; serve(handler: (req: Request) => Promise<Response>): unknown }
const deno = (globalThis as unknown as { Deno: DenoLike }).Deno

async function handler(req: Request): Promise<Response> {
  const { run_id: runId, lines } = (await req.json()) as { run_id: string; lines: number }
  const url = deno.env.get('SUPABASE_URL')!
  const { serviceKey } = projectKeys((name) => deno.env.get(name))
  const service = createClient<Database, 'ops'>(url, serviceKey, { db: { schema: 'ops' }, auth: { persistSession: false } })
  const writer = new EventWriter(new RunStore(service, 'bench', { leaseSeconds: 3600 }), runId)
  for (let i = 0; i < lines; i++) await writer.log({ message: `line ${i} of the bench's burst`, data: { i } })
  await writer.flush()
  return Response.json({ logged: lines })
}

if ((import.meta as { main?: boolean }).main) deno.serve(handler)
