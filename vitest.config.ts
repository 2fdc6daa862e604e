import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    // Each file opens its own database (PGlite in memory, or a fresh Postgres database), so files
    // run in parallel processes without sharing state.
    pool: 'forks',
    // Most suites wait on a stack, a browser or an executor rather than compute, so one more
    // process than there are cores keeps a 2-vCPU machine busy (vitest's default is one fewer).
    maxWorkers: availableParallelism() + 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
})
