/**
 * `github_dispatch`: GitHub's workflow_dispatch REST call (POST …/actions/workflows/{workflow}/
 * dispatches, 204 on success). The token comes from the function's secrets; without one the
 * step is a dry run that says so.
 */
import { dryRunEvent, type OutgoingRequest } from '../dry-run.ts'
import { isGitRef, isRepo, REF_EXPECTED, REPO_EXPECTED } from '../../runbook/github-names.ts'
import { StepFailedError, StepRefusedError } from '../errors.ts'
import type { StepRunner } from './context.ts'
import { readLimited } from './read-limited.ts'

export interface GithubEndpoints {
  /** REST API base, e.g. https://api.github.com (GITHUB_API_URL on GitHub Enterprise). */
  api: string
  /** Web base for links, e.g. https://github.com. */
  web: string
}

export function githubDispatch(endpoints: GithubEndpoints): StepRunner<'github_dispatch'> {
  return async (ctx) => {
    const { step } = ctx
    const { value: spec, missing, used } = ctx.bind()
    // repo goes into the URL's path: checked once everything is filled in, before anything is sent
    // (the value may come from a secret input; its text is not repeated here).
    if (!isRepo(spec.repo)) throw new StepRefusedError(step.id, `with.repo is not ${REPO_EXPECTED} once filled in`)
    if (!isGitRef(spec.ref)) throw new StepRefusedError(step.id, `with.ref is not ${REF_EXPECTED} once filled in`)
    const url = `${endpoints.api.replace(/\/$/, '')}/repos/${spec.repo}/actions/workflows/${encodeURIComponent(spec.workflow)}/dispatches`
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'content-type': 'application/json',
      'user-agent': 'ops-control-room',
      'x-github-api-version': '2022-11-28',
    }
    if (spec.token !== undefined && missing.length === 0) headers.authorization = `Bearer ${spec.token}`
    const request: OutgoingRequest = { method: 'POST', url, headers, body: JSON.stringify({ ref: spec.ref, inputs: spec.inputs }) }
    const dryRun = ctx.dryRunReason(missing) ?? (spec.token === undefined ? 'the step names no token secret' : undefined)
    if (dryRun) {
      await ctx.log(dryRunEvent(request, dryRun, ctx.mask))
      return { status: 'succeeded', dryRun }
    }
    const { response } = await ctx.send(request, used)
    const answer = await readLimited(response, 16 * 1024)
    if (response.status !== 204) {
      const detail = githubMessage(answer.text) ?? answer.text.slice(0, 300)
      throw new StepFailedError(
        step.id,
        `GitHub answered ${response.status} to the dispatch of ${spec.workflow} in ${spec.repo}: ${detail}`,
      )
    }
    const runs = `${endpoints.web.replace(/\/$/, '')}/${spec.repo}/actions/workflows/${encodeURIComponent(spec.workflow)}`
    await ctx.log({
      message: `Dispatched ${spec.workflow} in ${spec.repo} on ${spec.ref}`,
      data: { repo: spec.repo, workflow: spec.workflow, ref: spec.ref, inputs: spec.inputs },
    })
    await ctx.artifact({ key: `${step.id}:workflow`, kind: 'link', title: `${spec.repo} ${spec.workflow} runs`, url: runs })
    return { status: 'succeeded', output: { dispatched: true } }
  }
}

/** The `message` of a GitHub error answer, or undefined when the answer is not JSON with one. */
function githubMessage(text: string): string | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }
  return body !== null && typeof body === 'object' && 'message' in body && typeof body.message === 'string' ? body.message : undefined
}
