import type * as z from 'zod'

/** A schema's findings as one line: `path: problem; …`, so a log or an error says what was wrong where. */
export function schemaProblems(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ')
}
