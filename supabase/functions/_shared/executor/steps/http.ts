/** `http`: one request with an expected status; its response summary goes into the log. */
import { isExpectedStatus } from '../../runbook/index.ts'
import { dryRunEvent, type OutgoingRequest } from '../dry-run.ts'
import { StepFailedError } from '../errors.ts'
import type { StepRunner } from './context.ts'
import { readLimited } from './read-limited.ts'

const PREVIEW_CHARS = 500
const FILE_ARTIFACT_BYTES = 256 * 1024

export const runHttp: StepRunner<'http'> = async (ctx) => {
  const { step } = ctx
  const { value: spec, missing, used } = ctx.bind()
  const headers: Record<string, string> = { ...spec.headers }
  let body: string | undefined
  if (spec.body !== undefined) {
    body = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body)
    if (typeof spec.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json'
    }
  }
  const request: OutgoingRequest = { method: spec.method, url: spec.url, headers, ...(body === undefined ? {} : { body }) }
  const dryRun = ctx.dryRunReason(missing)
  if (dryRun) {
    await ctx.log(dryRunEvent(request, dryRun, ctx.mask))
    return { status: 'succeeded', dryRun }
  }
  if (!/^https?:\/\/[^\s/]+/.test(spec.url)) {
    throw new StepFailedError(step.id, `the URL "${spec.url}" is not an http(s) URL after filling in its references`)
  }

  const started = ctx.now()
  const { response, url: answeredBy, redirects } = await ctx.send(request, used)
  const text = await readLimited(response, FILE_ARTIFACT_BYTES)
  const ms = Math.round(ctx.now() - started)
  const summary = {
    status: response.status,
    ms,
    ...(redirects.length > 0 ? { redirects: redirects.length, url: answeredBy } : {}),
    bytes: text.bytes,
    content_type: response.headers.get('content-type'),
    body_preview: text.text.slice(0, PREVIEW_CHARS),
  }
  if (!isExpectedStatus(spec.expect_status, response.status)) {
    await ctx.log({
      level: 'warn',
      message: `${spec.method} ${spec.url} answered ${response.status} in ${ms} ms`,
      data: { response: summary },
    })
    const expected = spec.expect_status ? spec.expect_status.join(' or ') : 'a 2xx status'
    throw new StepFailedError(step.id, `${spec.method} ${spec.url} answered ${response.status}, expected ${expected}`)
  }
  await ctx.log({ message: `${spec.method} ${spec.url} answered ${response.status} in ${ms} ms`, data: { response: summary } })
  if (spec.artifact?.kind === 'link') {
    await ctx.artifact({ key: `${step.id}:link`, kind: 'link', title: spec.artifact.title, url: spec.url })
  } else if (spec.artifact?.kind === 'file') {
    await ctx.artifact({
      key: `${step.id}:file`,
      kind: 'file',
      title: spec.artifact.title,
      content: text.text,
      mime: response.headers.get('content-type') ?? 'text/plain',
    })
  }
  return { status: 'succeeded', output: { status: response.status, ms } }
}
