/** Percentiles and rates for benchmark samples. */

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

export interface Distribution {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

export function distribution(samples: number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b)
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  }
}

export const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000)
