/**
 * Filling a step's references. Each string is filled in one pass over the template's own text:
 * a value put in (an input, the env, a secret) is never read as a template again. The plan
 * fills inputs and env for people to read; the executor fills everything from the template's
 * text again when the step runs (see `bindStep`), never from the plan's filled-in text.
 */
import { interpolate, type Reference } from './interpolation.ts'
import { mapStrings } from './json.ts'
import type { StepKind } from './schema/step.ts'

export type Resolve = (reference: Reference) => string | undefined

/** The fields of a step's `with`, per kind, that are URLs (values placed into them are percent-encoded). */
const URL_FIELDS: Readonly<Record<StepKind, readonly string[]>> = {
  http: ['url'],
  github_dispatch: [],
  wait: [],
  approval: [],
  spec: [],
}

/** A step's `with` (as the template wrote it) with its references filled by `resolve`. */
export function fillWith<W>(kind: StepKind, value: W, resolve: Resolve): W {
  const urls = URL_FIELDS[kind]
  return mapStrings(value, (text, path) => interpolate(text, resolve, { url: path.length === 1 && urls.includes(String(path[0])) }))
}
