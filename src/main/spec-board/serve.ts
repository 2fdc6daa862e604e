/** The messages of a Spec Kit document's section on the board: add or update it, watch it for stickies, resolve suggestions. */
import { emit } from '@create-figma-plugin/utilities'
import type {
  SpecBoardAddedHandler,
  SpecBoardAddHandler,
  SpecBoardFindHandler,
  SpecBoardFoundHandler,
  SpecBoardResolvedHandler,
  SpecBoardResolveHandler,
  SpecBoardSyncedHandler,
  SpecBoardSyncHandler,
} from '../../messages.ts'
import { handle } from '../dispatch.ts'
import { assertBoard } from './board-data.ts'
import { drawSection, findSection } from './section.ts'
import { resolveSuggestion, watchStickies } from './stickies.ts'

export function serveSpecBoard(): void {
  handle<SpecBoardAddHandler>('SPEC_BOARD_ADD', 'Could not add the document to the board', async (board) => {
    assertBoard(board)
    const drawn = await drawSection(board, true)
    if (!drawn) throw new Error('the section could not be made')
    figma.currentPage.selection = [drawn.section]
    figma.viewport.scrollAndZoomIntoView([drawn.section])
    emit<SpecBoardAddedHandler>('SPEC_BOARD_ADDED', board.docId, drawn.section.id, drawn.updated)
    await watchStickies(board)
  })
  handle<SpecBoardFindHandler>('SPEC_BOARD_FIND', 'Could not look for the document on the board', (docId) => {
    if (typeof docId !== 'string' || docId === '') throw new Error('the document id must be a non-empty string')
    emit<SpecBoardFoundHandler>('SPEC_BOARD_FOUND', docId, findSection(docId)?.id ?? null)
  })
  handle<SpecBoardSyncHandler>('SPEC_BOARD_SYNC', 'Could not update the document on the board', async (board) => {
    assertBoard(board)
    const drawn = await drawSection(board, false)
    await watchStickies(board)
    emit<SpecBoardSyncedHandler>('SPEC_BOARD_SYNCED', board.docId, drawn?.section.id ?? null)
  })
  handle<SpecBoardResolveHandler>('SPEC_BOARD_RESOLVE', 'Could not mark the sticky', async (stickyId, commentId) => {
    emit<SpecBoardResolvedHandler>('SPEC_BOARD_RESOLVED', stickyId, await resolveSuggestion(stickyId, commentId))
  })
}
