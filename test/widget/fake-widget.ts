/**
 * A stand-in for `figma.widget` and the bits of `figma` the widget's rendering touches, imitating
 * the documented behaviour: components are functions of props, `h` builds a tree, synced state
 * and synced maps live in maps, the property menu is recorded. Enough to render the widget in
 * Node and look at what it draws.
 */
export interface Element {
  type: string
  props: Record<string, unknown>
  children: Element[] | string[]
}

type Component = (props: Record<string, unknown>) => Element | null

const intrinsic =
  (type: string): Component =>
  (props) => {
    const { children, ...rest } = props
    const kids = ([] as unknown[])
      .concat(children ?? [])
      .flat(Infinity)
      .filter((child) => child !== null && child !== undefined && child !== false)
    return { type, props: rest, children: kids as Element[] | string[] }
  }

export interface FakeWidgetHost {
  figma: Record<string, unknown>
  state: Map<string, unknown>
  maps: Map<string, Map<string, unknown>>
  menu: { items: Record<string, unknown>[]; onChange: (event: { propertyName: string }) => unknown } | null
  render(): Element | null
}

export function fakeWidgetHost(user = { name: 'Ana', sessionId: 7 }): FakeWidgetHost {
  const state = new Map<string, unknown>()
  const maps = new Map<string, Map<string, unknown>>()
  let registered: (() => Element | null) | null = null
  const host: FakeWidgetHost = {
    figma: {},
    state,
    maps,
    menu: null,
    render() {
      if (!registered) throw new Error('the widget never called widget.register')
      return registered()
    },
  }
  const widget = {
    h(type: Component, props: Record<string, unknown> | null, ...children: unknown[]) {
      return type({ ...(props ?? {}), children })
    },
    register(component: () => Element | null) {
      if (registered) throw new Error('widget.register must be called once')
      registered = component
    },
    useSyncedState<T>(key: string, initial: T) {
      if (!state.has(key)) state.set(key, initial)
      return [state.get(key) as T, (value: T) => state.set(key, JSON.parse(JSON.stringify(value)))]
    },
    useSyncedMap(name: string) {
      if (!maps.has(name)) maps.set(name, new Map())
      return maps.get(name)!
    },
    usePropertyMenu(items: Record<string, unknown>[], onChange: (event: { propertyName: string }) => unknown) {
      host.menu = { items, onChange }
    },
    useWidgetNodeId: () => '1:1',
    useEffect: () => {},
    waitForTask: () => {},
    AutoLayout: intrinsic('AutoLayout'),
    Text: intrinsic('Text'),
    Frame: intrinsic('Frame'),
    Rectangle: intrinsic('Rectangle'),
    SVG: intrinsic('SVG'),
    Fragment: intrinsic('Fragment'),
  }
  // figma.ui exists in widget code too; create-figma-plugin's utilities hook into it on import.
  const ui = { onmessage: null as unknown, postMessage: () => {}, on: () => {}, off: () => {} }
  host.figma = { widget, ui, currentUser: user, widgetId: 'ops-control-room-widget', notify: () => {}, closePlugin: () => {} }
  return host
}

/** Every text drawn, in order. */
export function texts(element: Element | null): string[] {
  if (!element) return []
  if (element.type === 'Text') {
    // Strings and numbers, and Spans whose text reads inline.
    return [element.children.map((child) => (typeof child === 'object' ? texts(child).join('') : String(child))).join('')]
  }
  return (element.children as Element[]).flatMap((child) => (typeof child === 'string' ? [child] : texts(child)))
}

export function find(element: Element | null, name: string): Element | undefined {
  if (!element) return undefined
  if (element.props.name === name) return element
  for (const child of element.children) {
    if (typeof child === 'string') continue
    const found = find(child, name)
    if (found) return found
  }
  return undefined
}
