import { Dropdown, Textbox, Toggle } from '@create-figma-plugin/ui'
import { h } from 'preact'
import type { FormValue, InputField } from '../../view-models/input-fields.ts'
import { FormField } from '../form-field/form-field.tsx'
import styles from './input-control.css'

export interface InputControlProps {
  field: InputField
  /** Distinguishes the same template's fields on two cards. */
  idPrefix: string
  onChange?: (key: string, value: FormValue) => void
}

/** One runbook input as the control its type calls for: choice, boolean, number, text or secret. */
export function InputControl({ field, idPrefix, onChange = () => {} }: InputControlProps) {
  const set = (value: FormValue) => onChange(field.key, value)
  // A missing value is not a mistake yet: say it is needed, and keep red for wrong values.
  const hint = field.missing ? 'Needed before this can run' : field.description
  const error = field.error
  const name = `${idPrefix}-${field.key}`

  if (field.kind === 'boolean') {
    return (
      <div class={styles.toggle}>
        <Toggle value={field.value === true} onValueChange={set}>
          {field.label}
        </Toggle>
        {hint === null ? null : <span class={styles.hint}>{hint}</span>}
      </div>
    )
  }

  if (field.kind === 'choice') {
    const labelId = `${name}-label`
    const value = typeof field.value === 'string' && field.options.includes(field.value) ? field.value : null
    return (
      <FormField label={field.label} labelId={labelId} hint={hint} error={error} required={field.required}>
        <Dropdown
          aria-labelledby={labelId}
          data-field={field.key}
          options={field.options.map((option) => ({ value: option }))}
          placeholder="Choose…"
          value={value}
          variant="border"
          onValueChange={set}
        />
      </FormField>
    )
  }

  return (
    <FormField label={field.label} hint={hint} error={error} required={field.required}>
      <Textbox
        data-field={field.key}
        aria-invalid={error === null ? undefined : 'true'}
        inputMode={field.kind === 'number' ? 'decimal' : undefined}
        password={field.kind === 'secret'}
        placeholder={placeholderFor(field)}
        spellCheck={false}
        value={typeof field.value === 'string' ? field.value : ''}
        variant="border"
        onValueInput={set}
      />
    </FormField>
  )
}

function placeholderFor(field: InputField): string {
  if (field.kind === 'number') return 'A number'
  if (field.kind === 'secret') return 'Used for this run only'
  return field.required ? 'Required' : 'Optional'
}
