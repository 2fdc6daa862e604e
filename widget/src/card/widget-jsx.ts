/**
 * Widget JSX (`@jsx figma.widget.h`) makes what figma.widget.h returns. @figma/widget-typings
 * declares the global JSX namespace without an Element type, which leaves every widget JSX
 * expression typed `any`; this names it. Every file with widget JSX imports this one.
 */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- TypeScript looks up JSX types only in a namespace named JSX
  namespace JSX {
    type Element = FigmaDeclarativeNode
  }
}

export {}
