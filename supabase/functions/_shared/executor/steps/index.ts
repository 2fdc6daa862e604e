/** The step kinds the executor knows, by name. */
import type { StepRunners } from './context.ts'
import { runApproval } from './approval.ts'
import { githubDispatch, type GithubEndpoints } from './github-dispatch.ts'
import { runHttp } from './http.ts'
import { runSpec } from './spec.ts'
import { runWait } from './wait.ts'

export function stepRunners(github: GithubEndpoints): StepRunners {
  return {
    http: runHttp,
    github_dispatch: githubDispatch(github),
    wait: runWait,
    approval: runApproval,
    spec: runSpec,
  }
}
