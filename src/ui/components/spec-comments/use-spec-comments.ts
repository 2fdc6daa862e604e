import { useCallback, useEffect, useState } from 'preact/hooks'
import { listSpecComments, subscribeSpecComments, type SpecCommentRow } from '../../../client/spec-comments.ts'
import type { OpsClient } from '../../../client/supabase.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'

export interface SpecCommentsState {
  /** null until loaded. */
  comments: SpecCommentRow[] | null
  live: boolean
  error: string | null
  /** Puts a row the person just wrote in place at once (the broadcast brings the same row again). */
  put: (row: SpecCommentRow) => void
}

/** A document's comments, loaded over REST and kept current from the workspace's spec topic. */
export function useSpecComments(client: OpsClient, workspaceId: string, docId: string): SpecCommentsState {
  const [comments, setComments] = useState<SpecCommentRow[] | null>(null)
  const [live, setLive] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const put = useCallback(
    (row: SpecCommentRow) => {
      if (row.doc_id !== docId) return
      setComments((current) => {
        const rows = current ?? []
        return rows.some((one) => one.id === row.id) ? rows.map((one) => (one.id === row.id ? row : one)) : [...rows, row]
      })
    },
    [docId],
  )

  useEffect(() => {
    let stopped = false
    setComments(null)
    const load = () =>
      listSpecComments(client, docId).then(
        (rows) => {
          if (stopped) return
          setComments(rows)
          setError(null)
        },
        (caught: unknown) => !stopped && setError(errorMessage(caught)),
      )
    void load()
    const unsubscribe = subscribeSpecComments(client, workspaceId, (change) => {
      if (stopped) return
      if (change.type === 'live') {
        setLive(change.live)
        // Joined (again): whatever changed before the join was not heard.
        if (change.live) void load()
      } else if (change.type === 'comment') put(change.comment)
      else setComments((current) => (current ?? []).filter((one) => one.id !== change.id))
    })
    return () => {
      stopped = true
      unsubscribe()
    }
  }, [client, workspaceId, docId, put])

  return { comments, live, error, put }
}
