/**
 * A template's inputs as form fields: what each control shows and whether its value is usable.
 * Values come, strongest first, from what was entered in the form, what the intent text said,
 * and the input's default.
 */
import { coerceInput, isBlank, type InputDefinition, type Template } from '../../../supabase/functions/_shared/runbook/index.ts'

type FieldKind = InputDefinition['type']

/** Where a field's current value came from. */
type ValueSource = 'entered' | 'typed' | 'default' | 'none'

export type FormValue = string | boolean

export interface InputField {
  key: string
  label: string
  kind: FieldKind
  required: boolean
  options: readonly string[]
  description: string | null
  value: FormValue
  source: ValueSource
  /** Required and still empty. */
  missing: boolean
  /** A value that the input refuses (not a number, not an option, pattern…). */
  error: string | null
}

export type EnteredValues = Readonly<Record<string, FormValue>>

function formValue(input: InputDefinition, value: unknown): FormValue {
  if (input.type === 'boolean') {
    if (typeof value === 'boolean') return value
    const coerced = coerceInput(input, value)
    return coerced.ok ? coerced.value === true : false
  }
  return fieldText(value)
}

/** A value from the intent or a default (a scalar) as a text field shows it; anything else as JSON. */
function fieldText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value)
    case 'undefined':
      return ''
    default:
      return value === null ? '' : (JSON.stringify(value) ?? '')
  }
}

function inputField(input: InputDefinition, typed: Readonly<Record<string, unknown>>, entered: EnteredValues): InputField {
  const has = (values: Readonly<Record<string, unknown>>) =>
    Object.prototype.hasOwnProperty.call(values, input.key) && !isBlank(values[input.key])
  let source: ValueSource = 'none'
  let raw: unknown = undefined
  if (Object.prototype.hasOwnProperty.call(entered, input.key)) {
    source = 'entered'
    raw = entered[input.key]
  } else if (has(typed)) {
    source = 'typed'
    raw = typed[input.key]
  } else if (input.default !== undefined) {
    source = 'default'
    raw = input.default
  }
  const value = formValue(input, raw)
  // An unchecked box is an answer (false), never a missing value.
  const blank = input.type === 'boolean' ? false : isBlank(value)
  const coerced = blank ? null : coerceInput(input, value)
  return {
    key: input.key,
    label: input.label,
    kind: input.type,
    required: input.required,
    options: input.options ?? [],
    description: input.description ?? null,
    value,
    source: blank && source === 'entered' ? 'none' : source,
    missing: input.required && blank,
    error: coerced !== null && !coerced.ok ? coerced.message : null,
  }
}

export function inputFields(template: Template, typed: Readonly<Record<string, unknown>>, entered: EnteredValues): InputField[] {
  return template.inputs.map((input) => inputField(input, typed, entered))
}

/** The values to plan and start the run with (blank fields left out, so defaults apply). */
export function rawInputs(fields: readonly InputField[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {}
  for (const field of fields) {
    if (field.kind === 'boolean') raw[field.key] = field.value === true
    else if (!isBlank(field.value)) raw[field.key] = field.value
  }
  return raw
}

/** How a value reads in a summary; secrets never show. */
export function displayValue(field: InputField): string {
  if (field.kind === 'secret') return field.value === '' ? '' : '••••••'
  if (field.kind === 'boolean') return field.value === true ? 'yes' : 'no'
  return String(field.value)
}
