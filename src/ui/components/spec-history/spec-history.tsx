import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { SpecDocRow } from '../../../client/types.ts'
import { useServices } from '../../services/services-context.ts'
import { textDiff } from '../../view-models/text-diff.ts'
import { DiffView } from '../diff-view/diff-view.tsx'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './spec-history.css'

export interface SpecHistoryProps {
  /** The saved document: its current version heads the list (the list loads again after a save). */
  doc: SpecDocRow
  /** user id → the name the workspace knows them by. */
  names: ReadonlyMap<string, string>
  onRestore: (content: string) => void
}

interface Version {
  version: number
  content: string
  savedBy: string | null
  savedAt: string
}

/**
 * Every version of a document, newest first, with who saved it and when; each opens as a diff
 * against the one before, and any two can be compared.
 */
export function SpecHistory({ doc, names, onRestore }: SpecHistoryProps) {
  const { api } = useServices()
  const [versions, setVersions] = useState<Version[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [open, setOpen] = useState<number | null>(null)
  const [compare, setCompare] = useState<{ from: number; to: number } | null>(null)

  useEffect(() => {
    let stopped = false
    setVersions(null)
    api.listRevisions(doc.id).then(
      (rows) => {
        if (stopped) return
        const current: Version = { version: doc.version, content: doc.content, savedBy: doc.updated_by, savedAt: doc.updated_at }
        const earlier = rows.map((row) => ({ version: row.version, content: row.content, savedBy: row.saved_by, savedAt: row.saved_at }))
        setVersions([current, ...earlier])
      },
      (caught: unknown) => !stopped && setError(errorMessage(caught)),
    )
    return () => {
      stopped = true
    }
  }, [api, doc])

  const authorOf = (version: Version) => (version.savedBy === null ? 'the starter kit' : (names.get(version.savedBy) ?? 'a former member'))
  const byVersion = (n: number) => versions?.find((candidate) => candidate.version === n) ?? null

  const comparing = compare === null ? null : { from: byVersion(compare.from), to: byVersion(compare.to) }
  const oldest = versions?.[versions.length - 1]?.version ?? doc.version

  return (
    <div class={styles.history} data-revision-history>
      {error === null ? null : (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
      {versions === null && error === null ? <p class={styles.muted}>Loading the history…</p> : null}
      {versions !== null && versions.length > 1 ? (
        <div class={styles.compare} data-compare>
          <label class={styles.pick}>
            Compare version
            <select
              class={styles.select}
              value={compare?.from ?? oldest}
              data-compare-from
              onChange={(event) => setCompare({ from: Number(event.currentTarget.value), to: compare?.to ?? doc.version })}
            >
              {versions.map((version) => (
                <option key={version.version} value={version.version}>
                  {version.version}
                </option>
              ))}
            </select>
          </label>
          <label class={styles.pick}>
            with version
            <select
              class={styles.select}
              value={compare?.to ?? doc.version}
              data-compare-to
              onChange={(event) => setCompare({ from: compare?.from ?? oldest, to: Number(event.currentTarget.value) })}
            >
              {versions.map((version) => (
                <option key={version.version} value={version.version}>
                  {version.version}
                </option>
              ))}
            </select>
          </label>
          {compare === null ? (
            <Button secondary onClick={() => setCompare({ from: oldest, to: doc.version })} data-compare-show>
              Compare
            </Button>
          ) : (
            <Button secondary onClick={() => setCompare(null)}>
              Close
            </Button>
          )}
        </div>
      ) : null}
      {comparing?.from && comparing.to ? (
        <div class={styles.detail} data-compare-view={`${comparing.from.version}-${comparing.to.version}`}>
          <DiffView
            diff={textDiff(
              comparing.from.content,
              comparing.to.content,
              `version ${comparing.from.version}`,
              `version ${comparing.to.version}`,
            )}
            label={`Version ${comparing.from.version} compared with version ${comparing.to.version}`}
          />
        </div>
      ) : null}
      <ol class={styles.list}>
        {(versions ?? []).map((version, index) => {
          const previous = versions?.[index + 1] ?? null
          const expanded = open === version.version
          return (
            <li key={version.version} class={styles.entry}>
              <button
                type="button"
                class={styles.item}
                aria-expanded={expanded}
                onClick={() => setOpen(expanded ? null : version.version)}
                data-revision={version.version}
              >
                <span class={styles.version}>Version {version.version}</span>
                <span data-revision-author>{authorOf(version)}</span>
                <span class={styles.muted}>{new Date(version.savedAt).toLocaleString()}</span>
                {index === 0 ? <span class={styles.current}>current</span> : null}
              </button>
              {expanded ? (
                <div class={styles.detail} data-revision-view={version.version}>
                  <DiffView
                    diff={textDiff(
                      previous?.content ?? '',
                      version.content,
                      previous === null ? 'nothing (the first version)' : `version ${previous.version}`,
                      `version ${version.version}`,
                    )}
                    label={`What version ${version.version} changed`}
                  />
                  {index === 0 ? null : (
                    <Button secondary onClick={() => onRestore(version.content)} data-restore-revision={version.version}>
                      Put this text in the editor
                    </Button>
                  )}
                </div>
              ) : null}
            </li>
          )
        })}
      </ol>
    </div>
  )
}
