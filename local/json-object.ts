/** A JSON object (not null, not an array): what request bodies, payloads and claims must be before their fields are read. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
