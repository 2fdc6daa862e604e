import { Button, Textbox } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useState } from 'preact/hooks'
import { buildTimeSettings } from '../../../build-settings.ts'
import { validateSettings } from '../../../client/settings.ts'
import type { Settings } from '../../../client/types.ts'
import { FormField } from '../form-field/form-field.tsx'
import styles from './settings-panel.css'

export interface SettingsPanelProps {
  settings: Settings
  onSave: (settings: Settings) => void
  onClose: () => void
}

/** The Supabase project the plugin talks to; checked before it is saved. */
export function SettingsPanel({ settings, onSave, onClose }: SettingsPanelProps) {
  const [supabaseUrl, setSupabaseUrl] = useState(settings.supabaseUrl)
  const [anonKey, setAnonKey] = useState(settings.anonKey)
  const [errors, setErrors] = useState<{ supabaseUrl?: string; anonKey?: string }>({})
  const [warning, setWarning] = useState<string | null>(null)

  const save = () => {
    const check = validateSettings({ supabaseUrl, anonKey })
    if (!check.ok) {
      setErrors(check.errors)
      setWarning(null)
      return
    }
    setErrors({})
    setWarning(check.warning)
    onSave(check.settings)
  }
  const defaults = buildTimeSettings()

  return (
    <section class={styles.panel} aria-labelledby="settings-title" data-settings-panel>
      <h2 id="settings-title" class={styles.title}>
        Supabase project
      </h2>
      <p class={styles.text}>
        Project Settings → API in the Supabase dashboard shows both values. The anon key is public; never paste the service_role key.
      </p>
      <div
        class={styles.form}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && event.target instanceof HTMLInputElement) save()
        }}
      >
        <FormField label="Project URL" error={errors.supabaseUrl ?? null}>
          <Textbox
            value={supabaseUrl}
            onValueInput={setSupabaseUrl}
            placeholder="https://<project-ref>.supabase.co"
            variant="border"
            data-settings-url
          />
        </FormField>
        <FormField label="Publishable key" error={errors.anonKey ?? null}>
          <Textbox
            value={anonKey}
            onValueInput={setAnonKey}
            placeholder="sb_publishable_… (or a legacy anon key)"
            variant="border"
            data-settings-key
          />
        </FormField>
        {warning === null ? null : (
          <p class={styles.warning} role="status">
            {warning}
          </p>
        )}
        <div class={styles.row}>
          <Button onClick={save} data-settings-save>
            Save
          </Button>
          <Button secondary onClick={onClose}>
            Cancel
          </Button>
          <span class={styles.spacer} />
          <button
            type="button"
            class={styles.link}
            onClick={() => {
              setSupabaseUrl(defaults.supabaseUrl)
              setAnonKey(defaults.anonKey)
              setErrors({})
            }}
          >
            Use the built-in project
          </button>
        </div>
      </div>
    </section>
  )
}
