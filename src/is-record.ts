/**
 * A plain object whose fields are still unknown: what JSON.parse, figma.clientStorage, plugin data
 * and messages hand over. Narrowing to it (instead of casting) lets a type guard read the fields
 * and check each one before anything trusts them.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
