/**
 * The widget's entry (manifest.main). create-figma-plugin's bundle ends by calling this module's
 * default export, as its widget templates expect: registering here, not at the top level, is what
 * lets the built main.js load without throwing.
 */
import { OpsRunCard } from './ops-run-card.tsx'

export default function registerOpsRunCard(): void {
  figma.widget.register(OpsRunCard)
}
