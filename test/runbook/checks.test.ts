import { describe, expect, it } from 'vitest'
import { formatTemplateError, parseTemplate } from '../../supabase/functions/_shared/runbook/index.ts'

const header = `version: 1
kind: test
title: Test
inputs:
  - key: env
    type: choice
    options: [staging, production]
    default: staging
  - key: replicas
    type: number
  - key: api_key
    type: secret
secrets:
  - name: TOKEN
`

const pause = `  - id: pause
    title: Pause
    kind: wait
    with: { duration: 1s }
`

function firstError(yaml: string): string {
  const parsed = parseTemplate(yaml)
  return parsed.ok ? 'ok' : formatTemplateError(parsed.errors[0])
}

describe('rules across fields', () => {
  it.each([
    [
      'a duplicate input key',
      header.replace('  - key: replicas', '  - key: env\n    type: string\n  - key: replicas') + 'steps:\n' + pause,
      'inputs[1].key: duplicate input key "env"',
    ],
    ['a duplicate secret', header + '  - name: TOKEN\nsteps:\n' + pause, 'secrets[1].name: duplicate secret name "TOKEN"'],
    [
      'a secret input in a title',
      header + 'steps:\n  - id: call\n    title: Call with ${{ inputs.api_key }}\n    kind: approval\n',
      'steps[0].title: a title cannot show inputs.api_key, which is secret; expected a title made of text, non-secret inputs.<key> and env (line 17, column 22)',
    ],
    [
      'a number input compared with text',
      header + 'steps:\n' + pause + "policy:\n  approval:\n    when: inputs.replicas == '3'\n",
      'policy.approval.when: "3" is not a number, so it never equals inputs.replicas; expected a number (line 22, column 30)',
    ],
    [
      'an option list with a typo',
      header + 'steps:\n' + pause + "policy:\n  approval:\n    when: env in ['staging', 'prod']\n",
      'policy.approval.when: "prod" is not an option of env; expected one of staging, production (line 22, column 30)',
    ],
    [
      'a reference to an input that does not exist, in an approval message',
      header + "steps:\n  - id: ok\n    title: OK\n    kind: approval\n    with:\n      message: 'Deploy ${{ inputs.service }}?'\n",
      'steps[0].with.message: unknown reference "inputs.service"; declared inputs are env, replicas, api_key (line 20, column 24)',
    ],
    [
      'env, declared inputs and secrets are fine',
      header +
        "steps:\n  - id: ok\n    title: 'To ${{ env }} x${{ inputs.replicas }}'\n    kind: approval\n    with:\n      message: '${{ secrets.TOKEN }} ${{ inputs.api_key }}'\n",
      'ok',
    ],
  ])('%s', (_name, yaml, expected) => {
    expect(firstError(yaml)).toContain(expected)
  })
})
