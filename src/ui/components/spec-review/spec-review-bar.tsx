import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useCallback, useEffect, useState } from 'preact/hooks'
import type { WorkspaceMemberRow } from '../../../client/team-api.ts'
import type { SpecDocRow } from '../../../client/types.ts'
import {
  decideSpecReview,
  fetchReviewState,
  requestSpecReview,
  setRequiredReviewers,
  subscribeSpecReviews,
  type SpecReviewStateView,
} from '../../../client/spec-reviews.ts'
import { useServices } from '../../services/services-context.ts'
import { describeReview } from '../../view-models/describe-review.ts'
import { roleAtLeast, SPEC_REVIEW_VIEWS, type SpecReviewDecision } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './spec-review-bar.css'

export interface SpecReviewBarProps {
  /** The saved document: reviews are of its current version. */
  doc: SpecDocRow
  members: readonly WorkspaceMemberRow[] | null
  names: ReadonlyMap<string, string>
  /** Loads the document's newer version when someone saved one since it was opened. */
  onLoadNewer: () => void
}

type Panel = 'request' | 'decide' | 'required' | null

/**
 * The document's review: its state as a badge and a sentence, and what the signed-in person may
 * do about it (the database decides): ask members for a review, approve or request changes with
 * a summary, and (admins) name the reviewers whose approval the document needs.
 */
export function SpecReviewBar({ doc, members, names, onLoadNewer }: SpecReviewBarProps) {
  const { client } = useServices()
  const [review, setReview] = useState<SpecReviewStateView | null>(null)
  const [me, setMe] = useState<string | null>(null)
  const [panel, setPanel] = useState<Panel>(null)
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set())
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      setReview(await fetchReviewState(client, doc.id))
      setError(null)
    } catch (caught) {
      setError(errorMessage(caught))
    }
  }, [client, doc.id])

  useEffect(() => {
    void load()
  }, [load, doc.version])

  useEffect(() => {
    void client.auth.getSession().then(({ data }) => setMe(data.session?.user.id ?? null))
    const stop = subscribeSpecReviews(client, doc.workspace_id, (changed) => {
      if (changed === null || changed === doc.id) void load()
    })
    return () => void stop()
  }, [client, doc.workspace_id, doc.id, load])

  const myRole = members?.find((member) => member.user_id === me)?.role ?? null
  const asked = me !== null && review !== null && (review.requested.includes(me) || review.required.includes(me))
  const canRequest = myRole !== null && roleAtLeast(myRole, 'operator')
  const canDecide = myRole !== null && (roleAtLeast(myRole, 'approver') || asked) && (review === null || review.version === doc.version)
  const isAdmin = myRole === 'admin'
  const others = (members ?? []).filter((member) => member.user_id !== me)

  function open(next: Panel) {
    setError(null)
    setText('')
    setPanel(panel === next ? null : next)
    setPicked(new Set(next === 'required' ? (review?.required ?? []) : []))
  }

  async function act(action: () => Promise<void>) {
    setBusy(true)
    setError(null)
    try {
      await action()
      setPanel(null)
      await load()
    } catch (caught) {
      setError(errorMessage(caught))
    } finally {
      setBusy(false)
    }
  }

  const decide = (decision: SpecReviewDecision) => act(() => decideSpecReview(client, doc.id, doc.version, decision, text))
  const toggle = (userId: string) => {
    const next = new Set(picked)
    if (!next.delete(userId)) next.add(userId)
    setPicked(next)
  }

  const view = review === null ? null : SPEC_REVIEW_VIEWS[review.state]
  const nameOf = (userId: string | null) => (userId === null ? 'a former member' : (names.get(userId) ?? 'a former member'))

  const picker = (what: string) => (
    <fieldset class={styles.people}>
      <legend class={styles.legend}>{what}</legend>
      {others.length === 0 ? <p class={styles.muted}>Nobody else is in this workspace yet: invite people from the team panel.</p> : null}
      {others.map((member) => (
        <label key={member.user_id} class={styles.person}>
          <input
            type="checkbox"
            checked={picked.has(member.user_id)}
            onChange={() => toggle(member.user_id)}
            data-reviewer-option={member.display_name}
          />
          {member.display_name} <span class={styles.muted}>({member.role})</span>
        </label>
      ))}
    </fieldset>
  )

  return (
    <section class={styles.bar} aria-label={`Review of ${doc.title}`} data-review-bar data-review-state={review?.state}>
      <div class={styles.row}>
        {view === null ? (
          <span class={styles.muted}>Loading the review…</span>
        ) : (
          <span class={styles.badge} style={{ '--review-fill': view.fill, '--review-text': view.text, '--review-accent': view.accent }}>
            <span aria-hidden="true">{view.symbol}</span>
            <span>{view.label}</span>
          </span>
        )}
        {review === null ? null : (
          <span class={styles.detail} data-review-detail>
            {describeReview(review, nameOf)}
          </span>
        )}
        <span class={styles.spacer} />
        {canRequest ? (
          <Button secondary onClick={() => open('request')} aria-expanded={panel === 'request'} data-open-request>
            Request review
          </Button>
        ) : null}
        {canDecide ? (
          <Button secondary onClick={() => open('decide')} aria-expanded={panel === 'decide'} data-open-decide>
            Review version {doc.version}
          </Button>
        ) : null}
        {isAdmin ? (
          <Button secondary onClick={() => open('required')} aria-expanded={panel === 'required'} data-open-required>
            Required reviewers
          </Button>
        ) : null}
      </div>
      {review !== null && review.version > doc.version ? (
        <p class={styles.newer} role="status" data-newer-version={review.version}>
          Version {review.version} was saved since you opened this document; reviews are of the latest version.{' '}
          <Button secondary onClick={onLoadNewer} data-load-newer>
            Load version {review.version}
          </Button>
        </p>
      ) : null}
      {error === null ? null : (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
      {panel === 'request' ? (
        <div class={styles.panel} data-request-panel>
          {picker(`Ask members to review version ${doc.version}`)}
          <label class={styles.field}>
            Note (optional)
            <textarea
              class={styles.text}
              value={text}
              maxLength={2000}
              onInput={(event) => setText(event.currentTarget.value)}
              data-request-note
            />
          </label>
          <Button
            onClick={() => void act(() => requestSpecReview(client, doc.id, doc.version, [...picked], text))}
            disabled={busy || picked.size === 0}
            data-send-request
          >
            Ask {picked.size === 1 ? '1 person' : `${picked.size} people`}
          </Button>
        </div>
      ) : null}
      {panel === 'decide' ? (
        <div class={styles.panel} data-decide-panel>
          <label class={styles.field}>
            Summary of your review of version {doc.version}
            <textarea
              class={styles.text}
              value={text}
              maxLength={5000}
              onInput={(event) => setText(event.currentTarget.value)}
              data-review-summary
            />
          </label>
          <div class={styles.actions}>
            <Button onClick={() => void decide('approved')} disabled={busy} data-approve>
              Approve
            </Button>
            <Button secondary onClick={() => void decide('changes_requested')} disabled={busy || text.trim() === ''} data-request-changes>
              Request changes
            </Button>
          </div>
        </div>
      ) : null}
      {panel === 'required' ? (
        <div class={styles.panel} data-required-panel>
          {picker('Whose approval this document always needs')}
          <Button onClick={() => void act(() => setRequiredReviewers(client, doc.id, [...picked]))} disabled={busy} data-save-required>
            Save required reviewers
          </Button>
        </div>
      ) : null}
      {review !== null && review.decisions.length > 0 ? (
        <details class={styles.decisions}>
          <summary>Decisions ({review.decisions.length})</summary>
          <ul class={styles.list}>
            {review.decisions.map((decision, i) => (
              <li key={i} class={decision.stale ? styles.stale : undefined} data-decision={decision.decision} data-stale={decision.stale}>
                <strong>{nameOf(decision.reviewerId)}</strong> {decision.decision === 'approved' ? 'approved' : 'requested changes to'}{' '}
                version {decision.docVersion}
                {decision.stale ? ' (stale: changed since)' : ''}
                {decision.summary === '' ? null : <span class={styles.summary}>{decision.summary}</span>}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  )
}
