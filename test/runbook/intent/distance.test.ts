import { describe, expect, it } from 'vitest'
import { editDistance, wordSimilarity } from '../../../supabase/functions/_shared/runbook/intent/distance.ts'

describe('editDistance', () => {
  it.each([
    ['deploy', 'deploy', 0],
    ['deploy', 'deplyo', 1],
    ['deploy', 'deply', 1],
    ['deploy', 'redeploy', 2],
    ['incident', 'incidnet', 1],
    ['rollback', 'rolback', 1],
    ['ca', 'abc', 3],
    ['', 'abc', 3],
  ])('%s ↔ %s = %d', (a, b, distance) => {
    expect(editDistance(a, b, 5)).toBe(distance)
  })

  it('stops early once past the limit', () => {
    expect(editDistance('production', 'sandwiches', 2)).toBe(3)
  })
})

describe('wordSimilarity', () => {
  it.each([
    ['deploy', 'deploy', 1],
    ['deploy', 'deplyo', 0.85],
    ['ship', 'shp', 0],
    ['api', 'apu', 0],
    ['production', 'prodution', 0.85],
    ['production', 'prdouctino', 0.7],
    ['staging', 'stagign', 0.85],
    ['sev1', 'sev2', 0],
    ['page', 'pages', 0.85],
    ['web', 'wbe', 0],
  ])('%s ← %s = %d', (known, typed, similarity) => {
    expect(wordSimilarity(known, typed)).toBeCloseTo(similarity, 5)
  })
})
