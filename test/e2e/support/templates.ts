/**
 * Templates the browser tests add (as the service role, after the seed checks): runs that last
 * long enough to be watched, canceled and cut off from realtime. Plain waits, so they run on the
 * local stack with no internet.
 */

/** Holds for ten minutes: canceled by the test long before it ends. */
export const HOLD_TEMPLATE = `version: 1
kind: maintenance
title: Hold a maintenance window
description: Keeps a maintenance window open until someone cancels it.
intents: [hold, maintenance, window]
inputs:
  - key: env
    label: Environment
    type: choice
    options: [staging, production]
    required: true
    default: staging
steps:
  - id: hold
    title: Hold the window open
    kind: wait
    with: { duration: 10m }
`

/** A few seconds of steps, so the realtime socket can be dropped while lines are still coming. */
export const STAGED_TEMPLATE = `version: 1
kind: rollout
title: Staged rollout
description: Rolls out in three timed stages.
intents: [stage, staged, rollout]
inputs:
  - key: env
    label: Environment
    type: choice
    options: [staging, production]
    required: true
    default: staging
steps:
  - id: stage-one
    title: Stage one
    kind: wait
    with: { duration: 3s }
  - id: stage-two
    title: Stage two
    kind: wait
    with: { duration: 2s }
  - id: stage-three
    title: Stage three
    phase: verify
    kind: wait
    with: { duration: 1s }
`

/** A team's release: a short wait, and the template's own approval in production. No secrets. */
export const RELEASE_TEMPLATE = `version: 1
kind: deploy
title: Release web
description: Releases web after the approvals the workspace and the template ask for.
intents: [release]
inputs:
  - key: env
    label: Environment
    type: choice
    options: [staging, production]
    required: true
    default: staging
steps:
  - id: roll-out
    title: Roll out
    kind: wait
    with: { duration: 500ms }
policy:
  approval:
    when: "env == 'production'"
`
