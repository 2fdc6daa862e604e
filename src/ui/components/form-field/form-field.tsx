import { h, type ComponentChildren } from 'preact'
import styles from './form-field.css'

export interface FormFieldProps {
  label: string
  /** Id of the control when it is not a native input inside the label (a dropdown). */
  labelId?: string
  hint?: string | null
  error?: string | null
  required?: boolean
  children: ComponentChildren
}

/** A labelled control: the label wraps a native input, or names a custom one through labelId. */
export function FormField({ label, labelId, hint = null, error = null, required = false, children }: FormFieldProps) {
  const caption = (
    <span class={styles.label} id={labelId}>
      {label}
      {required ? <span class={styles.required}> (required)</span> : null}
    </span>
  )
  const notes = (
    <span>
      {hint === null ? null : <span class={styles.hint}>{hint}</span>}
      {error === null ? null : (
        <span class={styles.error} role="alert">
          {error}
        </span>
      )}
    </span>
  )
  if (labelId !== undefined) {
    return (
      <div class={styles.field}>
        {caption}
        {children}
        {notes}
      </div>
    )
  }
  return (
    <label class={styles.field}>
      {caption}
      {children}
      {notes}
    </label>
  )
}
