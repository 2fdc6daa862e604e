/** Reopened from a document's section on the board, the plugin opens the Spec Kit on that document, once. */
import { describe, expect, it } from 'vitest'
import { rememberRelaunchedDoc, takeRelaunchedDoc } from '../../src/ui/components/spec-board/relaunched-doc.ts'

const docs = [
  { id: 'd-constitution', slug: 'continue-orchestrator/constitution' },
  { id: 'd-prd', slug: 'continue-orchestrator/prd' },
]

describe('the relaunched document', () => {
  it('is chosen once, by id, and forgotten after', () => {
    rememberRelaunchedDoc('d-prd')
    expect(takeRelaunchedDoc(docs)).toBe('continue-orchestrator/prd')
    expect(takeRelaunchedDoc(docs)).toBeNull()
  })

  it('is nothing when the plugin was not relaunched or the document is gone', () => {
    rememberRelaunchedDoc(null)
    expect(takeRelaunchedDoc(docs)).toBeNull()
    rememberRelaunchedDoc('d-archived')
    expect(takeRelaunchedDoc(docs)).toBeNull()
  })
})
