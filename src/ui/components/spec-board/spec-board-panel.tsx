import { Button } from '@create-figma-plugin/ui'
import { emit, on } from '@create-figma-plugin/utilities'
import { h } from 'preact'
import { useCallback, useEffect, useState } from 'preact/hooks'
import type { SpecBoardSuggestion } from '../../../client/spec-board-model.ts'
import { addStickyComment, loadSpecBoard } from '../../../client/spec-board-data.ts'
import type { SpecDocRow } from '../../../client/types.ts'
import { isObject } from '../../../client/shared-channel.ts'
import { joinSpecChannel } from '../../../client/spec-channel.ts'
import type {
  MainErrorHandler,
  SpecBoardAddedHandler,
  SpecBoardAddHandler,
  SpecBoardFindHandler,
  SpecBoardFoundHandler,
  SpecBoardResolvedHandler,
  SpecBoardResolveHandler,
  SpecBoardSuggestionHandler,
  SpecBoardSyncHandler,
} from '../../../messages.ts'
import { useServices } from '../../services/services-context.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './spec-board-panel.css'

export interface SpecBoardPanelProps {
  doc: SpecDocRow
}

/**
 * "Add to board" for the open document, and the stickies people put in its frames on the board,
 * offered as comments: confirming one makes it the member's comment naming the sticky's author.
 * While the document is open here, its section on the board is kept up to date.
 */
export function SpecBoardPanel({ doc }: SpecBoardPanelProps) {
  const { client } = useServices()
  const [busy, setBusy] = useState(false)
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null)
  const [suggestions, setSuggestions] = useState<SpecBoardSuggestion[]>([])
  const [working, setWorking] = useState<string | null>(null)

  const sync = useCallback(async () => {
    try {
      emit<SpecBoardSyncHandler>('SPEC_BOARD_SYNC', await loadSpecBoard(client, doc))
    } catch (error) {
      setStatus({ text: `The board cannot be kept up to date: ${errorMessage(error)}`, error: true })
    }
  }, [client, doc])

  // Only a document on this page's board is read and kept up to date (and its frames watched for stickies).
  const [onBoard, setOnBoard] = useState(false)
  useEffect(() => {
    const offs = [
      on<SpecBoardFoundHandler>('SPEC_BOARD_FOUND', (docId, sectionId) => {
        if (docId !== doc.id || sectionId === null) return
        setOnBoard(true)
        void sync()
      }),
      on<SpecBoardAddedHandler>('SPEC_BOARD_ADDED', (docId) => docId === doc.id && setOnBoard(true)),
    ]
    emit<SpecBoardFindHandler>('SPEC_BOARD_FIND', doc.id)
    return () => offs.forEach((off) => off())
  }, [doc.id, sync])

  // While it is on the board, someone's comment or review decision updates its frames at once.
  useEffect(() => {
    if (!onBoard) return undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    const leave = joinSpecChannel(client, doc.workspace_id, {
      status: () => undefined,
      message: (event, payload) => {
        if ((event !== 'comment' && event !== 'review') || !isObject(payload) || payload.doc_id !== doc.id) return
        clearTimeout(timer)
        timer = setTimeout(() => void sync(), 200)
      },
    })
    return () => {
      clearTimeout(timer)
      void leave()
    }
  }, [onBoard, client, doc.id, doc.workspace_id, sync])

  useEffect(() => {
    const offs = [
      on<SpecBoardSuggestionHandler>('SPEC_BOARD_SUGGESTION', (suggestion) => {
        if (suggestion.docId !== doc.id) return
        setSuggestions((list) => (list.some((item) => item.stickyId === suggestion.stickyId) ? list : [...list, suggestion]))
      }),
      on<SpecBoardResolvedHandler>('SPEC_BOARD_RESOLVED', (stickyId) =>
        setSuggestions((list) => list.filter((item) => item.stickyId !== stickyId)),
      ),
      on<SpecBoardAddedHandler>('SPEC_BOARD_ADDED', (docId, _sectionId, updated) => {
        if (docId !== doc.id) return
        setBusy(false)
        setStatus({ text: updated ? 'Updated the document’s section on the board' : 'Added the document to the board', error: false })
      }),
      on<MainErrorHandler>('MAIN_ERROR', () => setBusy(false)),
    ]
    return () => offs.forEach((off) => off())
  }, [doc.id])

  const add = async () => {
    setBusy(true)
    setStatus(null)
    try {
      emit<SpecBoardAddHandler>('SPEC_BOARD_ADD', await loadSpecBoard(client, doc))
    } catch (error) {
      setBusy(false)
      setStatus({ text: `Could not add the document to the board: ${errorMessage(error)}`, error: true })
    }
  }

  const confirm = async (suggestion: SpecBoardSuggestion) => {
    setWorking(suggestion.stickyId)
    try {
      const commentId = await addStickyComment(client, suggestion, doc.version)
      emit<SpecBoardResolveHandler>('SPEC_BOARD_RESOLVE', suggestion.stickyId, commentId)
      setStatus({ text: `Added ${suggestion.authorName}’s sticky as your comment on ${suggestion.anchorKey}`, error: false })
      void sync()
    } catch (error) {
      setStatus({ text: errorMessage(error), error: true })
    } finally {
      setWorking(null)
    }
  }

  return (
    <section class={styles.panel} aria-label="On the board" data-spec-board>
      <div class={styles.bar}>
        <Button secondary onClick={() => void add()} disabled={busy} data-spec-board-add>
          Add to board
        </Button>
        {status === null ? null : (
          <span class={status.error ? styles.error : styles.status} role={status.error ? 'alert' : 'status'}>
            {status.text}
          </span>
        )}
      </div>
      {suggestions.length === 0 ? null : (
        <ul class={styles.suggestions} aria-label="Stickies on the board to add as comments">
          {suggestions.map((suggestion) => (
            <li key={suggestion.stickyId} class={styles.suggestion} data-spec-board-suggestion={suggestion.stickyId}>
              <span>
                <strong>{suggestion.anchorKey}</strong> · a sticky by {suggestion.authorName}
              </span>
              <span class={styles.body}>{suggestion.body}</span>
              <div class={styles.actions}>
                <Button onClick={() => void confirm(suggestion)} disabled={working !== null}>
                  Add as my comment
                </Button>
                <Button
                  secondary
                  onClick={() => emit<SpecBoardResolveHandler>('SPEC_BOARD_RESOLVE', suggestion.stickyId, null)}
                  disabled={working !== null}
                >
                  Dismiss
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
