import { h } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { SPEC_COMMENT_MAX_CHARS } from '../../../client/spec-comments.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './spec-comments.css'

export interface MentionableMember {
  id: string
  name: string
}

export interface CommentComposerProps {
  /** The text field's label ("Comment on FR-003", "Reply", "Edit your comment"). */
  label: string
  submitLabel: string
  members: readonly MentionableMember[]
  initialBody?: string
  initialMentions?: readonly string[]
  /** Rejects with the reason when the server refuses; the composer shows it and keeps the text. */
  onSubmit: (body: string, mentions: string[]) => Promise<void>
  onCancel?: () => void
  /** Puts the keyboard in the text field when it appears (after the person asked to write). */
  autoFocus?: boolean
}

/** A comment being written: plain text (never rendered as HTML), @mentions picked from the members. */
export function CommentComposer({
  label,
  submitLabel,
  members,
  initialBody = '',
  initialMentions = [],
  onSubmit,
  onCancel,
  autoFocus = false,
}: CommentComposerProps) {
  const [body, setBody] = useState(initialBody)
  const [mentions, setMentions] = useState<string[]>([...initialMentions])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const nameOf = (id: string) => members.find((member) => member.id === id)?.name ?? 'a former member'
  const tooLong = body.length > SPEC_COMMENT_MAX_CHARS
  const field = useRef<HTMLTextAreaElement>(null)
  // The autofocus attribute is blocked in a cross-origin frame (the plugin's); focusing works.
  useEffect(() => {
    if (autoFocus) field.current?.focus()
  }, [autoFocus])

  async function submit() {
    if (busy || body.trim() === '' || tooLong) return
    setBusy(true)
    setError(null)
    try {
      await onSubmit(body, mentions)
      setBody('')
      setMentions([])
    } catch (caught) {
      setError(errorMessage(caught))
    } finally {
      setBusy(false)
    }
  }

  return (
    // Not a <form>: Figma's plugin frame is sandboxed without allow-forms, so a form never submits.
    <div class={styles.composer} role="group" aria-label={label} data-comment-composer>
      <label class={styles.field}>
        <span class={styles.fieldLabel}>{label}</span>
        <textarea
          class={styles.textarea}
          value={body}
          rows={3}
          ref={field}
          onInput={(event) => setBody(event.currentTarget.value)}
          onKeyDown={(event) => {
            if ((event.metaKey || event.ctrlKey) && event.key === 'Enter') {
              event.preventDefault()
              void submit()
            } else if (event.key === 'Escape' && onCancel) {
              event.preventDefault()
              onCancel()
            }
          }}
          data-comment-body
        />
      </label>
      {tooLong ? (
        <p class={styles.problem} role="alert">
          A comment is at most {SPEC_COMMENT_MAX_CHARS.toLocaleString('en')} characters; this one has {body.length.toLocaleString('en')}.
        </p>
      ) : null}
      {mentions.length === 0 ? null : (
        <ul class={styles.mentions} aria-label="Mentioned">
          {mentions.map((id) => (
            <li key={id}>
              <button
                type="button"
                class={styles.chip}
                aria-label={`Remove the mention of ${nameOf(id)}`}
                onClick={() => setMentions(mentions.filter((one) => one !== id))}
              >
                @{nameOf(id)} ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class={styles.composerBar}>
        <select
          class={styles.mentionPicker}
          aria-label="Mention a member"
          value=""
          onChange={(event) => {
            const id = event.currentTarget.value
            event.currentTarget.value = ''
            if (id === '' || mentions.includes(id)) return
            setMentions([...mentions, id])
            const mention = `@${nameOf(id)}`
            if (!body.includes(mention)) setBody(body === '' || /\s$/.test(body) ? `${body}${mention} ` : `${body} ${mention} `)
          }}
          data-mention-picker
        >
          <option value="">@ Mention…</option>
          {members.map((member) => (
            <option key={member.id} value={member.id}>
              {member.name}
            </option>
          ))}
        </select>
        <span class={styles.spacer} />
        {onCancel ? (
          <button type="button" class={styles.textButton} onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button
          type="button"
          class={styles.primary}
          onClick={() => void submit()}
          disabled={busy || body.trim() === '' || tooLong}
          data-submit-comment
        >
          {busy ? 'Sending…' : submitLabel}
        </button>
      </div>
      {error === null ? null : (
        <p class={styles.problem} role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
