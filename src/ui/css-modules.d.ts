// Component styles are CSS modules (create-figma-plugin's build): the import is the class names.
declare module '*.css' {
  const classNames: Record<string, string>
  export default classNames
}
