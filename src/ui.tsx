/**
 * The plugin's UI iframe. create-figma-plugin calls the default export with the root node and the
 * data the main thread passed to showUI (UiBootData).
 */
import { render } from '@create-figma-plugin/ui'
import { App } from './ui/app/app.tsx'
import { describeDocument } from './ui/app/describe-document.ts'

describeDocument('Ops Control Room')

export default render(App)
