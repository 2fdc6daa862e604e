/** "Open in Spec Kit", the relaunch button of a document's section: the document of the selected section (or of anything in it). */
import { OPEN_SPEC_DOC_COMMAND, SHARED_NAMESPACE } from '../config.ts'
import { BOARD_KEYS } from './section.ts'

export function relaunchSpecDocId(): string | null {
  if (figma.command !== OPEN_SPEC_DOC_COMMAND) return null
  for (const start of figma.currentPage.selection) {
    for (let node: BaseNode | null = start; node && node.type !== 'PAGE' && node.type !== 'DOCUMENT'; node = node.parent) {
      if (node.type !== 'SECTION') continue
      const docId = node.getSharedPluginData(SHARED_NAMESPACE, BOARD_KEYS.docId)
      if (docId) return docId
    }
  }
  return null
}
