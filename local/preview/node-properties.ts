/**
 * The checks Figma applies when a plugin sets a node property, for the properties this project
 * sets. The allowed values are the typings' (@figma/plugin-typings: AutoLayoutMixin,
 * AutoLayoutChildrenMixin, MinimalStrokesMixin, CornerMixin, BaseNonResizableTextMixin, SolidPaint,
 * RGB). The error wording imitates what Figma has been seen to say ("in set_layoutMode: Property
 * "layoutMode" failed validation: Invalid enum value. …"); Figma does not document it, so tests
 * should match the property name, not the sentence.
 *
 * Only SOLID paints are modelled: the fake cannot know the rules of gradient or image paints, so
 * it refuses them rather than accept what Figma might not.
 */

/** Checks a value for `property` and returns what the node stores (and hands back when read). */
export type PropertyCheck<T = unknown> = (property: string, value: unknown) => T

const failed = (property: string, reason: string) => new Error(`in set_${property}: Property "${property}" failed validation: ${reason}`)

function received(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null || value === undefined) {
    return String(value)
  }
  try {
    return JSON.stringify(value) ?? typeof value
  } catch {
    return typeof value
  }
}

export const oneOf = <T extends string>(...values: T[]): PropertyCheck<T> => {
  const allowed = (value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value)
  return (property, value) => {
    if (allowed(value)) return value
    throw failed(property, `Invalid enum value. Expected ${values.map((v) => `'${v}'`).join(' | ')}, received ${received(value)}`)
  }
}

export const finiteNumber =
  (range: { min?: number; max?: number; only?: number[] } = {}): PropertyCheck<number> =>
  (property, value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`in set_${property}: Expected "${property}" to have type number but got ${received(value)}`)
    }
    if (range.only && !range.only.includes(value)) {
      throw new Error(`in set_${property}: Expected "${property}" to be ${range.only.join(' or ')}, got ${value}`)
    }
    if (range.min !== undefined && value < range.min) {
      throw new Error(`in set_${property}: Expected "${property}" to have value >= ${range.min}, got ${value}`)
    }
    if (range.max !== undefined && value > range.max) {
      throw new Error(`in set_${property}: Expected "${property}" to have value <= ${range.max}, got ${value}`)
    }
    return value
  }

export const boolean: PropertyCheck<boolean> = (property, value) => {
  if (typeof value === 'boolean') return value
  throw new Error(`in set_${property}: Expected "${property}" to have type boolean but got ${received(value)}`)
}

export const text: PropertyCheck<string> = (property, value) => {
  if (typeof value === 'string') return value
  throw new Error(`in set_${property}: Expected "${property}" to have type string but got ${received(value)}`)
}

/** A colour channel or an opacity: the typings and docs keep both between 0 and 1. */
const unit = (property: string, field: string, value: unknown) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw failed(property, `${field} must be a number from 0 to 1, received ${received(value)}`)
  }
  return value
}

const SOLID_PAINT_FIELDS = ['type', 'color', 'visible', 'opacity', 'blendMode', 'boundVariables']
const BLEND_MODES = [
  'PASS_THROUGH',
  'NORMAL',
  'DARKEN',
  'MULTIPLY',
  'LINEAR_BURN',
  'COLOR_BURN',
  'LIGHTEN',
  'SCREEN',
  'LINEAR_DODGE',
  'COLOR_DODGE',
  'OVERLAY',
  'SOFT_LIGHT',
  'HARD_LIGHT',
  'DIFFERENCE',
  'EXCLUSION',
  'HUE',
  'SATURATION',
  'COLOR',
  'LUMINOSITY',
]

export interface SolidPaintLike {
  readonly type: 'SOLID'
  readonly color: { readonly r: number; readonly g: number; readonly b: number }
  readonly visible?: boolean
  readonly opacity?: number
  readonly blendMode?: string
}

const isRecordLike = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * `fills` and `strokes`: a list of paints, stored as Figma hands them back, frozen (their arrays
 * and objects are read-only there: change them by assigning a new list). Unknown fields are
 * refused, as Figma's validation does (an RGBA `a` in a SolidPaint's colour is a common mistake).
 */
export const paints: PropertyCheck<readonly SolidPaintLike[]> = (property, value) => {
  if (!Array.isArray(value)) throw failed(property, `Expected an array of paints, received ${received(value)}`)
  const list = value.map((paint: unknown, index): SolidPaintLike => {
    const where = `${property}[${index}]`
    if (!isRecordLike(paint)) throw failed(property, `${where} must be a paint object`)
    if (paint.type !== 'SOLID') {
      throw failed(property, `${where}.type ${received(paint.type)}: the fake models SOLID paints only (the project uses no other)`)
    }
    const unknown = Object.keys(paint).filter((key) => !SOLID_PAINT_FIELDS.includes(key))
    if (unknown.length) throw failed(property, `${where} has unrecognized keys ${unknown.map((k) => `'${k}'`).join(', ')}`)
    const color = paint.color
    if (!isRecordLike(color)) throw failed(property, `${where}.color must be {r, g, b}`)
    const extra = Object.keys(color).filter((key) => !['r', 'g', 'b', 'sourceColor'].includes(key))
    if (extra.length)
      throw failed(property, `${where}.color has unrecognized keys ${extra.map((k) => `'${k}'`).join(', ')} (use opacity for alpha)`)
    const copy: { -readonly [K in keyof SolidPaintLike]: SolidPaintLike[K] } = {
      type: 'SOLID',
      color: Object.freeze({
        r: unit(property, `${where}.color.r`, color.r),
        g: unit(property, `${where}.color.g`, color.g),
        b: unit(property, `${where}.color.b`, color.b),
      }),
    }
    if (paint.visible !== undefined) copy.visible = boolean(property, paint.visible)
    if (paint.opacity !== undefined) copy.opacity = unit(property, `${where}.opacity`, paint.opacity)
    if (paint.blendMode !== undefined) copy.blendMode = oneOf(...BLEND_MODES)(property, paint.blendMode)
    return Object.freeze(copy)
  })
  return Object.freeze(list)
}

/** Installs checked accessors for `checks` on a node class's prototype; values live in the node's `fields`. */
export function checkedProperties(prototype: object, checks: Record<string, PropertyCheck>): void {
  for (const [name, check] of Object.entries(checks)) {
    Object.defineProperty(prototype, name, {
      configurable: true,
      get(this: { fields: Record<string, unknown> }) {
        return this.fields[name]
      },
      set(this: { fields: Record<string, unknown>; assertAlive(): void; changed?(property: string): void }, value: unknown) {
        this.assertAlive()
        this.fields[name] = check(name, value)
        this.changed?.(name)
      },
    })
  }
}
