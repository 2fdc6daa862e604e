/** What the UI gets when it opens (showUI's data → the UI component's props). */
import type { FigmaUser, UiBootData } from '../client/types.ts'
import { buildTimeSettings } from '../build-settings.ts'
import { OPEN_RUN_COMMAND } from './config.ts'
import { runIdOf } from './summary-card.ts'
import { loadSettings } from './settings.ts'
import { relaunchSpecDocId } from './spec-board/relaunch.ts'

function currentUser(): FigmaUser | null {
  try {
    const user = figma.currentUser
    return user ? { id: user.id, name: user.name, photoUrl: user.photoUrl } : null
  } catch {
    // Without the currentuser permission, reading it throws.
    return null
  }
}

/** On "Open run" (a card's relaunch button), the run id of the selected card. */
function relaunchRunId(): string | null {
  if (figma.command !== OPEN_RUN_COMMAND) return null
  return runIdOf(figma.currentPage.selection)
}

export async function bootData(): Promise<UiBootData> {
  return {
    editorType: figma.editorType === 'figjam' ? 'figjam' : 'figma',
    // Unreadable storage must not keep the plugin from opening: fall back to the build's project.
    settings: await loadSettings().catch(() => buildTimeSettings()),
    user: currentUser(),
    openRunId: relaunchRunId(),
    openSpecDocId: relaunchSpecDocId(),
  }
}
