import { describe, expect, it } from 'vitest'
import { interpolate, referencesIn, scanInterpolation } from '../../supabase/functions/_shared/runbook/index.ts'

describe('scanInterpolation', () => {
  it.each([
    ['${{ inputs.service }}', [{ namespace: 'inputs', name: 'service' }]],
    ['${{inputs.service}}', [{ namespace: 'inputs', name: 'service' }]],
    ['${{   env   }}', [{ namespace: 'env' }]],
    ['${{ secrets.GITHUB_TOKEN }}', [{ namespace: 'secrets', name: 'GITHUB_TOKEN' }]],
    ['${{ project.url }}/auth/v1/health', [{ namespace: 'project', name: 'url' }]],
    ['${{ project.anon_key }}', [{ namespace: 'project', name: 'anon_key' }]],
    [
      '[${{ inputs.a }}] ${{ env }}: ${{ inputs.b }}',
      [{ namespace: 'inputs', name: 'a' }, { namespace: 'env' }, { namespace: 'inputs', name: 'b' }],
    ],
    ['plain text, $ and {{ braces }} and ${ x }', []],
  ])('reads the references in %j', (text, references) => {
    const { problems } = scanInterpolation(text)
    expect(problems).toEqual([])
    expect(referencesIn(text)).toEqual(references)
  })

  it.each([
    ['a ${{ inputs.x', 2, '"${{" is never closed'],
    ['${{ }}', 0, 'empty'],
    ['x ${{ vars.x }}', 2, 'unknown reference "vars.x"'],
    ['${{ input.x }}', 0, 'unknown reference "input.x"'],
    ['${{ inputs. }}', 0, 'malformed expression "inputs."'],
    ['${{ inputs.a.b }}', 0, 'malformed expression "inputs.a.b"'],
    ["${{ inputs.a || 'x' }}", 0, 'malformed expression'],
    ['${{ secrets }}', 0, 'malformed expression "secrets"'],
    // The project's public values only: its keys with privileges are never a template's to name.
    ['${{ project.service_role_key }}', 0, 'unknown project value "project.service_role_key"'],
    ['${{ ${{ env }} }}', 0, 'malformed expression'],
  ])('reports a problem in %j at offset %d', (text, offset, message) => {
    const { problems } = scanInterpolation(text)
    expect(problems[0]).toMatchObject({ offset })
    expect(problems[0].message).toContain(message)
  })
})

describe('interpolate', () => {
  const values: Record<string, string> = { service: 'web' }
  const resolve = (ref: { namespace: string; name?: string }) =>
    ref.namespace === 'env' ? 'staging' : ref.namespace === 'inputs' ? values[ref.name ?? ''] : undefined

  it('fills what resolves and keeps the rest in canonical form', () => {
    expect(interpolate('acme/${{inputs.service}} in ${{ env }} with ${{secrets.TOKEN}}', resolve)).toBe(
      'acme/web in staging with ${{ secrets.TOKEN }}',
    )
  })

  it('leaves text with a malformed expression as written', () => {
    expect(interpolate('${{ inputs.service', resolve)).toBe('${{ inputs.service')
  })

  it('does not interpret what a value contains', () => {
    values.service = '${{ secrets.TOKEN }}'
    expect(interpolate('${{ inputs.service }}', resolve)).toBe('${{ secrets.TOKEN }}')
    values.service = 'web'
  })
})
