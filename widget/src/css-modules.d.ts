// The window's styles are a CSS module (create-figma-plugin's build): the import is the class
// names. The build and `npm run css-types` write exact typings beside each stylesheet; this
// covers a checkout that has not generated them yet, as src/ui/css-modules.d.ts does for the plugin.
declare module '*.css' {
  const classNames: Record<string, string>
  export default classNames
}
