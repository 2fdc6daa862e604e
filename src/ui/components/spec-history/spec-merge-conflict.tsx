import { Button } from '@create-figma-plugin/ui'
import { Fragment, h } from 'preact'
import { useMemo, useState } from 'preact/hooks'
import type { SpecSaveConflict } from '../../../client/types.ts'
import { useCopyNotice } from '../../hooks/use-copy-notice.ts'
import {
  conflictCount,
  mergedText,
  threeWayMerge,
  type ConflictChoice,
  type MergeChunk,
} from '../../../../supabase/functions/_shared/spec/three-way-merge.ts'
import styles from './spec-merge-conflict.css'

export interface SpecMergeConflictProps {
  conflict: SpecSaveConflict
  /** Who saved their version, by name. */
  theirAuthor: string
  busy: boolean
  /** Saves the merged text on top of their version (a normal save). */
  onSaveMerge: (text: string) => void
  /** Puts the merged text in the editor, on top of their version, to edit before saving. */
  onEditMerge: (text: string) => void
  onUseTheirs: () => void
}

const CHOICES: { value: ConflictChoice; label: string }[] = [
  { value: 'both', label: 'Keep both' },
  { value: 'theirs', label: 'Only theirs' },
  { value: 'mine', label: 'Only mine' },
]

/** Unchanged lines shown around a change; longer unchanged runs fold to a count. */
const CONTEXT = 2

/** Lines as text rows of one kind; a blank line keeps its height. */
function Lines({ lines, kind, label }: { lines: readonly string[]; kind: 'base' | 'theirs' | 'mine' | 'same'; label: string }) {
  return (
    <div class={`${styles.lines} ${styles[kind]}`} data-merge-lines={kind} aria-label={label} role="group">
      {lines.map((line, i) => (
        <span key={i} class={styles.line}>
          {line === '' ? ' ' : line}
        </span>
      ))}
    </div>
  )
}

function Same({ lines, first, last }: { lines: readonly string[]; first: boolean; last: boolean }) {
  const head = first ? [] : lines.slice(0, CONTEXT)
  const tail = last ? [] : lines.slice(Math.max(head.length, lines.length - CONTEXT))
  const hidden = lines.length - head.length - tail.length
  return (
    <>
      {head.length > 0 ? <Lines lines={head} kind="same" label="Unchanged lines" /> : null}
      {hidden > 0 ? (
        <p class={styles.fold}>
          … {hidden} unchanged line{hidden === 1 ? '' : 's'}
        </p>
      ) : null}
      {tail.length > 0 ? <Lines lines={tail} kind="same" label="Unchanged lines" /> : null}
    </>
  )
}

/**
 * Someone saved first: the text both started from (base), their version and mine, merged. A
 * change only one side made is kept; where both changed the same lines, both are kept unless the
 * person drops one on purpose. Saving the merge is a normal save on top of their version.
 */
export function SpecMergeConflict({ conflict, theirAuthor, busy, onSaveMerge, onEditMerge, onUseTheirs }: SpecMergeConflictProps) {
  const { theirs } = conflict
  const chunks = useMemo(() => threeWayMerge(conflict.base, theirs.content, conflict.mine), [conflict])
  const [choices, setChoices] = useState<ReadonlyMap<number, ConflictChoice>>(new Map())
  const merged = mergedText(chunks, choices)
  const conflicts = conflictCount(chunks)
  const { notice: copyNotice, copy: copyMine } = useCopyNotice(conflict.mine, 'select your text in the editor and copy it')
  let conflictIndex = 0

  const renderChunk = (chunk: MergeChunk, i: number) => {
    if (chunk.kind === 'same') return <Same key={i} lines={chunk.lines} first={i === 0} last={i === chunks.length - 1} />
    if (chunk.kind === 'change') {
      const who = chunk.by === 'theirs' ? `${theirAuthor}’s change` : chunk.by === 'mine' ? 'Your change' : 'The same change on both sides'
      return (
        <div key={i} class={styles.change} data-merge-change={chunk.by}>
          <p class={styles.caption}>{who}, kept</p>
          {chunk.base.length > 0 ? <Lines lines={chunk.base} kind="base" label="Base: the lines before" /> : null}
          <Lines lines={chunk.lines} kind={chunk.by === 'mine' ? 'mine' : 'theirs'} label={`${who}: the lines now`} />
        </div>
      )
    }
    const index = conflictIndex++
    const choice = choices.get(index) ?? 'both'
    const name = `merge-conflict-${index}`
    return (
      <div key={i} class={styles.conflictChunk} data-merge-conflict={index}>
        <p class={styles.caption}>Both changed these lines</p>
        {chunk.base.length === 0 ? (
          <p class={styles.side}>Base: nothing here (both added lines at this place)</p>
        ) : (
          <>
            <p class={styles.side}>Base</p>
            <Lines lines={chunk.base} kind="base" label="Base: the lines before" />
          </>
        )}
        <p class={styles.side}>{theirAuthor} (saved)</p>
        <Lines lines={chunk.theirs} kind="theirs" label={`${theirAuthor}’s lines`} />
        <p class={styles.side}>You (not saved)</p>
        <Lines lines={chunk.mine} kind="mine" label="Your lines" />
        <fieldset class={styles.choices}>
          <legend class={styles.hidden}>What the merge keeps of this conflict</legend>
          {CHOICES.map((option) => (
            <label key={option.value} class={styles.choice}>
              <input
                type="radio"
                name={name}
                value={option.value}
                checked={choice === option.value}
                data-merge-choice={option.value}
                onChange={() => setChoices(new Map(choices).set(index, option.value))}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
      </div>
    )
  }

  return (
    <section class={styles.conflict} role="alert" aria-label="Save conflict" data-save-conflict={theirs.version}>
      <p class={styles.message} data-conflict-message>
        Not saved: {theirs.title} was changed by {theirAuthor} (now version {theirs.version}) after you opened it.{' '}
        {conflicts === 0
          ? 'Your changes and theirs touch different lines: both are merged below.'
          : `Both changed the same lines in ${conflicts} place${conflicts === 1 ? '' : 's'}: the merge keeps both unless you choose.`}
      </p>
      <p class={styles.legend}>
        <span class={`${styles.key} ${styles.base}`}>base</span>
        <span class={`${styles.key} ${styles.theirs}`}>{theirAuthor}</span>
        <span class={`${styles.key} ${styles.mine}`}>you</span>
      </p>
      <div class={styles.merge} role="region" aria-label="The three-way merge" tabIndex={0} data-merge-view>
        {chunks.map(renderChunk)}
      </div>
      <div class={styles.actions}>
        <Button onClick={() => onSaveMerge(merged)} disabled={busy} data-save-merge>
          Save the merge as version {theirs.version + 1}
        </Button>
        <Button secondary onClick={() => onEditMerge(merged)} disabled={busy} data-edit-merge>
          Edit the merge
        </Button>
        <Button secondary onClick={onUseTheirs} disabled={busy} data-use-theirs>
          Use theirs
        </Button>
        <Button secondary onClick={() => void copyMine()}>
          Copy my text
        </Button>
        {copyNotice === null ? null : (
          <span class={styles.notice} role="status">
            {copyNotice}
          </span>
        )}
      </div>
    </section>
  )
}
