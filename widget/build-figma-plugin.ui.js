// The widget's window gets the same build-time constants as the plugin UI.
export { default } from '../build-figma-plugin.ui.js'
