// The widget's code gets the same build-time constants as the plugin's main thread.
export { default } from '../build-figma-plugin.main.js'
