/**
 * A JSON value checked against the shape the caller expects, with an error that says what was
 * read and what was wrong. Text (a file, a response, a json column a driver returned as text) is
 * parsed first.
 */
import * as z from 'zod'
import { schemaProblems } from './schema-problems.ts'

export function readJson<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const checked = schema.safeParse(typeof value === 'string' ? JSON.parse(value) : value)
  if (!checked.success) throw new Error(`${what} does not have the expected shape: ${schemaProblems(checked.error)}`)
  return checked.data
}

/** A row or record as to_jsonb renders it. */
export const jsonObject = z.record(z.string(), z.unknown())
