/**
 * The document model behind the fake `figma` global: a document with pages and the node types
 * the plugin uses (frames with auto layout, text, rectangles), with the documented rules that
 * catch real bugs (@figma/plugin-typings, cited where enforced):
 * - under `documentAccess: "dynamic-page"` a page's children are out of reach until the page is
 *   loaded (PageNode.loadAsync, figma.loadAllPagesAsync, setCurrentPageAsync); the current page
 *   is loaded when the plugin starts; searching the whole document needs loadAllPagesAsync;
 * - the document's children are pages and nothing else; a page or the document is nobody's child;
 * - `children` is a new read-only array on every read;
 * - node properties the project sets are validated (node-properties.ts), paints come back frozen;
 * - text edits need their font loaded; plugin data is limited to 100 kB per entry; relaunch data
 *   must name a relaunch command of the manifest; removed nodes stay removed;
 * - sections (children positioned relative to them, only on a page or in another section,
 *   resized only without constraints) and FigJam stickies (fixed size, a text sublayer whose font
 *   must be loaded, an author name); shared plugin data under a namespace of 3+ alphanumerics;
 *   absolute bounds; and the changes a `documentchange` event reports (create, delete, property).
 * The document outlives one plugin run (the preview's canvas), so it is created separately, and
 * each run sets its own rules (createFakeFigma).
 */
import {
  boolean,
  checkedProperties,
  finiteNumber,
  oneOf,
  paints,
  text,
  type PropertyCheck,
  type SolidPaintLike,
} from './node-properties.ts'
import { guardErrors, type ErrorConverter } from './realm-errors.ts'

export interface FontNameLike {
  family: string
  style: string
}

export interface DocumentRules {
  pluginId: string
  /** Commands of the manifest's relaunchButtons. */
  relaunchCommands: readonly string[]
  /** Fonts loaded by figma.loadFontAsync in the current plugin run. */
  isFontLoaded(font: FontNameLike): boolean
  /** Whether the plugin run may read the page's children (always, without dynamic-page access). */
  isPageLoaded(page: FakePageNode): boolean
  /** Whether figma.loadAllPagesAsync was called (always true without dynamic-page access). */
  allPagesLoaded(): boolean
  /** Remakes what the node API throws as an error of the plugin's realm (realm-errors.ts). */
  pluginError: ErrorConverter
  /** PageNode.loadAsync in this run. */
  loadPage(page: FakePageNode): Promise<void>
  /** The editor the run is in (stickies exist in FigJam only). */
  editorType: 'figma' | 'figjam'
  /** The name figma.createSticky gives a new sticky's author (the current user's). */
  userName: string
}

/** Not a Figma API: a change as a documentchange event reports it (DocumentChange of the typings, the kinds modelled here). */
export interface FakeDocumentChange {
  type: 'CREATE' | 'DELETE' | 'PROPERTY_CHANGE'
  id: string
  /** "LOCAL" for what this client did (a plugin's code or its own user), "REMOTE" for a collaborator. */
  origin: 'LOCAL' | 'REMOTE'
  node: FakeBaseNode
  properties?: string[]
}

/** The typings say 100 kB without saying 1000 or 1024: the fake takes the stricter 100,000 bytes. */
const PLUGIN_DATA_LIMIT_BYTES = 100_000
const RELAUNCH_DESCRIPTION_LIMIT = 1000

const utf8Length = (text: string) => new TextEncoder().encode(text).length

function checkNamespace(what: string, namespace: unknown): void {
  if (typeof namespace !== 'string' || !/^[A-Za-z0-9]{3,}$/.test(namespace)) {
    throw new Error(`${what}: the namespace must be at least 3 alphanumeric characters, got ${JSON.stringify(namespace)}`)
  }
}
const fontLabel = (font: FontNameLike) => `${font.family} ${font.style}`

/** What a document allows before any plugin run set its rules: everything loaded, no fonts. */
const HOST_RULES: DocumentRules = {
  pluginId: 'fake-plugin',
  relaunchCommands: [],
  isFontLoaded: () => false,
  isPageLoaded: () => true,
  allPagesLoaded: () => true,
  loadPage: () => Promise.resolve(),
  pluginError: (error) => error,
  editorType: 'figjam',
  userName: 'Preview User',
}

export class FakeDocument {
  private nextId = 2
  private readonly nodes = new Map<string, FakeBaseNode>()
  readonly root: FakeDocumentNode
  currentPage: FakePageNode
  /** Set per plugin run by createFakeFigma. */
  rules: DocumentRules = HOST_RULES
  private readonly changeListeners = new Set<(change: FakeDocumentChange) => void>()
  /** While a collaborator's action runs (placeSticky…), changes are REMOTE. */
  private remote = false

  /** Not a Figma API: every plugin run listens here and reports documentchange events. */
  onChange(listener: (change: FakeDocumentChange) => void): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  noteChange(type: FakeDocumentChange['type'], node: FakeBaseNode, properties?: string[]): void {
    const change: FakeDocumentChange = {
      type,
      id: node.id,
      origin: this.remote ? 'REMOTE' : 'LOCAL',
      node,
      ...(properties ? { properties } : {}),
    }
    for (const listener of [...this.changeListeners]) listener(change)
  }

  /** Not a Figma API: something a collaborator does on the board (reported as REMOTE changes). */
  asCollaborator<T>(action: () => T): T {
    const was = this.remote
    this.remote = true
    try {
      return action()
    } finally {
      this.remote = was
    }
  }

  /**
   * Not a Figma API: a collaborator puts a sticky with `text` at page coordinates (x, y) (its top
   * left corner); it lands in the topmost section under its centre, as FigJam parents it, else on
   * the page.
   */
  placeSticky(options: { text: string; authorName: string; x: number; y: number; page?: FakePageNode }): FakeStickyNode {
    return this.asCollaborator(() => {
      const page = options.page ?? this.currentPage
      const sticky = this.register(new FakeStickyNode(this, this.newId(), options.authorName))
      sticky.setTextAsHost(options.text)
      const centre = { x: options.x + sticky.width / 2, y: options.y + sticky.height / 2 }
      const sections = page.allChildren.filter((node): node is FakeSectionNode => node instanceof FakeSectionNode)
      const section = [...sections].reverse().find((candidate) => contains(candidate.absoluteBoundingBox, centre))
      const parent: FakeContainer = section ?? page
      parent.adopt(sticky)
      const origin = parent instanceof FakeSectionNode ? parent.absoluteBoundingBox : { x: 0, y: 0 }
      sticky.fields.x = options.x - origin.x
      sticky.fields.y = options.y - origin.y
      this.noteChange('CREATE', sticky)
      return sticky
    })
  }

  constructor(name = 'Untitled') {
    this.root = new FakeDocumentNode(this, '0:0', name)
    this.nodes.set(this.root.id, this.root)
    this.currentPage = this.createPage('Page 1')
  }

  /** Not a Figma API: adds a page as the person using the file would. */
  createPage(name: string): FakePageNode {
    const page = new FakePageNode(this, `0:${this.root.allChildren.length + 1}`, name)
    this.nodes.set(page.id, page)
    this.root.adopt(page)
    return page
  }

  newId(): string {
    return `1:${this.nextId++}`
  }

  register<T extends FakeBaseNode>(node: T): T {
    this.nodes.set(node.id, node)
    return node
  }

  getNode(id: string): FakeBaseNode | null {
    const node = this.nodes.get(id)
    return node && !node.removed ? node : null
  }

  /** New nodes go on the current page, as figma.create* puts them. */
  createFrame(): FakeFrameNode {
    const frame = this.register(new FakeFrameNode(this, this.newId()))
    this.currentPage.adopt(frame)
    this.noteChange('CREATE', frame)
    return frame
  }

  createText(): FakeTextNode {
    const text = this.register(new FakeTextNode(this, this.newId()))
    this.currentPage.adopt(text)
    this.noteChange('CREATE', text)
    return text
  }

  createRectangle(): FakeRectangleNode {
    const rectangle = this.register(new FakeRectangleNode(this, this.newId()))
    this.currentPage.adopt(rectangle)
    this.noteChange('CREATE', rectangle)
    return rectangle
  }

  createSection(): FakeSectionNode {
    const section = this.register(new FakeSectionNode(this, this.newId()))
    this.currentPage.adopt(section)
    this.noteChange('CREATE', section)
    return section
  }

  /** PluginAPI.createSticky: FigJam only; "constant width and height both at 240". */
  createSticky(): FakeStickyNode {
    if (this.rules.editorType !== 'figjam') throw new Error('createSticky: stickies are only available in FigJam')
    const sticky = this.register(new FakeStickyNode(this, this.newId(), this.rules.userName))
    this.currentPage.adopt(sticky)
    this.noteChange('CREATE', sticky)
    return sticky
  }
}

const contains = (box: { x: number; y: number; width: number; height: number }, point: { x: number; y: number }) =>
  point.x >= box.x && point.x <= box.x + box.width && point.y >= box.y && point.y <= box.y + box.height

export abstract class FakeBaseNode {
  abstract readonly type: string
  declare name: string
  parent: FakeContainer | null = null
  removed = false
  /** The values of the checked properties (node-properties.ts). */
  readonly fields: Record<string, unknown> = { name: '' }
  private readonly pluginData = new Map<string, string>()
  private readonly sharedData = new Map<string, Map<string, string>>()
  private relaunch: Record<string, string> = {}

  constructor(
    /** Not a Figma API: the document the node belongs to, whose rules it follows. */
    readonly doc: FakeDocument,
    readonly id: string,
  ) {}

  getPluginData(key: string): string {
    this.assertAlive()
    return this.pluginData.get(key) ?? ''
  }

  /** BaseNodeMixin.setPluginData: "The total size of your entry (pluginId, key, value) cannot exceed 100 kB." */
  setPluginData(key: string, value: string): void {
    this.assertAlive()
    if (typeof key !== 'string') throw new Error('setPluginData: the key must be a string')
    if (typeof value !== 'string') throw new Error(`setPluginData: the value for "${key}" must be a string (use JSON.stringify)`)
    if (value === '') {
      this.pluginData.delete(key)
      return
    }
    const size = utf8Length(this.doc.rules.pluginId) + utf8Length(key) + utf8Length(value)
    if (size > PLUGIN_DATA_LIMIT_BYTES) {
      throw new Error(`setPluginData: the entry "${key}" is ${size} bytes; plugin id, key and value together cannot exceed 100 kB`)
    }
    this.pluginData.set(key, value)
  }

  getPluginDataKeys(): string[] {
    this.assertAlive()
    return [...this.pluginData.keys()]
  }

  /**
   * BaseNodeMixin.setSharedPluginData: "namespace … must be at least 3 alphanumeric characters"
   * (the fake allows nothing else in it), and the same 100 kB per entry as plugin data.
   */
  setSharedPluginData(namespace: string, key: string, value: string): void {
    this.assertAlive()
    checkNamespace('setSharedPluginData', namespace)
    if (typeof key !== 'string') throw new Error('setSharedPluginData: the key must be a string')
    if (typeof value !== 'string') throw new Error(`setSharedPluginData: the value for "${key}" must be a string (use JSON.stringify)`)
    const entries = this.sharedData.get(namespace) ?? new Map<string, string>()
    if (value === '') entries.delete(key)
    else {
      const size = utf8Length(namespace) + utf8Length(key) + utf8Length(value)
      if (size > PLUGIN_DATA_LIMIT_BYTES) {
        throw new Error(`setSharedPluginData: the entry "${key}" is ${size} bytes; namespace, key and value together cannot exceed 100 kB`)
      }
      entries.set(key, value)
    }
    this.sharedData.set(namespace, entries)
  }

  getSharedPluginData(namespace: string, key: string): string {
    this.assertAlive()
    checkNamespace('getSharedPluginData', namespace)
    return this.sharedData.get(namespace)?.get(key) ?? ''
  }

  getSharedPluginDataKeys(namespace: string): string[] {
    this.assertAlive()
    checkNamespace('getSharedPluginDataKeys', namespace)
    return [...(this.sharedData.get(namespace)?.keys() ?? [])]
  }

  /** Not a Figma API: every namespace's shared data (snapshots). */
  get allSharedPluginData(): Record<string, Record<string, string>> {
    const all: Record<string, Record<string, string>> = {}
    for (const [namespace, entries] of this.sharedData) if (entries.size) all[namespace] = Object.fromEntries(entries)
    return all
  }

  setRelaunchData(data: Record<string, string>): void {
    this.assertAlive()
    const known = this.doc.rules.relaunchCommands
    for (const [command, description] of Object.entries(data)) {
      if (!known.includes(command)) {
        throw new Error(
          `setRelaunchData: "${command}" is not a relaunch button command of the manifest ` +
            `(relaunchButtons has ${known.length ? known.map((c) => `"${c}"`).join(', ') : 'none'})`,
        )
      }
      if (typeof description !== 'string') throw new Error(`setRelaunchData: the description for "${command}" must be a string`)
      if (description.length > RELAUNCH_DESCRIPTION_LIMIT) {
        throw new Error(`setRelaunchData: the description for "${command}" has ${description.length} characters; the limit is 1000`)
      }
    }
    this.relaunch = { ...data }
  }

  /** Not a Figma API: what setRelaunchData stored (the preview shows it as buttons). */
  get relaunchData(): Record<string, string> {
    return { ...this.relaunch }
  }

  remove(): void {
    this.assertAlive()
    if (this.type === 'DOCUMENT' || this.type === 'PAGE') throw new Error(`Cannot remove the ${this.type.toLowerCase()}`)
    this.parent?.detach(this)
    this.markRemoved()
    this.doc.noteChange('DELETE', this)
  }

  protected markRemoved(): void {
    this.removed = true
    if (this instanceof FakeContainer) for (const child of this.allChildren) child.markRemoved()
  }

  assertAlive(): void {
    if (this.removed) throw new Error(`The node (id: ${this.id}) does not exist (it was removed)`)
  }

  /** Not a Figma API: a checked property was set (reported to documentchange listeners). */
  changed(property: string): void {
    this.doc.noteChange('PROPERTY_CHANGE', this, [property])
  }

  toString(): string {
    return `[Node ${this.id}]`
  }
}
checkedProperties(FakeBaseNode.prototype, { name: text })

export abstract class FakeContainer extends FakeBaseNode {
  private readonly childList: FakeBaseNode[] = []

  /** ChildrenMixin.children: "calling this property always returns a new array, and both the property and the new array are read-only". */
  get children(): readonly FakeBaseNode[] {
    this.assertReadable('children')
    return Object.freeze([...this.childList])
  }

  /** Not a Figma API: the children whatever the plugin run may read (for the host and for snapshots). */
  get allChildren(): readonly FakeBaseNode[] {
    return [...this.childList]
  }

  /** Whether the plugin run may reach this container's children; throws naming `what` when not. */
  protected assertReadable(_what: string): void {}

  /** What may be a child here; throws otherwise. */
  protected checkChild(child: FakeBaseNode): void {
    if (child.type === 'PAGE' || child.type === 'DOCUMENT')
      throw new Error(`appendChild: a ${child.type.toLowerCase()} cannot be a child here`)
  }

  appendChild(child: FakeBaseNode): void {
    this.assertReadable('appendChild')
    this.insertChild(this.childList.length, child)
  }

  /** ChildrenMixin.insertChild: an index past the end "throws an error". */
  insertChild(index: number, child: FakeBaseNode): void {
    this.assertAlive()
    this.assertReadable('insertChild')
    if (!(child instanceof FakeBaseNode) || child.removed) throw new Error('appendChild: the child is not a node of this document')
    this.checkChild(child)
    if (!Number.isInteger(index) || index < 0 || index > this.childList.length) {
      throw new Error(`insertChild: index ${index} is out of range (0 to ${this.childList.length})`)
    }
    if (this.isInside(child)) throw new Error('appendChild: a node cannot be moved inside itself')
    // Moving a child within this container: the index counts it where it was.
    const current = this.childList.indexOf(child)
    child.parent?.detach(child)
    this.childList.splice(current >= 0 && current < index ? index - 1 : index, 0, child)
    child.parent = this
    this.doc.noteChange('PROPERTY_CHANGE', child, ['parent'])
  }

  /** Not a Figma API: puts a node here, as figma.create* and the person using the file do (no plugin rules apply). */
  adopt(child: FakeBaseNode): void {
    child.parent?.detach(child)
    this.childList.push(child)
    child.parent = this
  }

  /** Whether this container is `node` or lies somewhere inside it. */
  private isInside(node: FakeBaseNode): boolean {
    return node === this || (this.parent !== null && this.parent.isInside(node))
  }

  detach(child: FakeBaseNode): void {
    const index = this.childList.indexOf(child)
    if (index >= 0) this.childList.splice(index, 1)
    child.parent = null
    if (this instanceof FakePageNode) this.selection = this.selection.filter((node) => node !== child)
  }

  findAll(callback?: (node: FakeBaseNode) => boolean): FakeBaseNode[] {
    this.assertReadable('findAll')
    const found: FakeBaseNode[] = []
    const visit = (node: FakeBaseNode) => {
      if (!callback || callback(node)) found.push(node)
      if (node instanceof FakeContainer) node.childList.forEach(visit)
    }
    this.childList.forEach(visit)
    return found
  }

  findOne(callback: (node: FakeBaseNode) => boolean): FakeBaseNode | null {
    this.assertReadable('findOne')
    return this.findAll(callback)[0] ?? null
  }

  findChild(callback: (node: FakeBaseNode) => boolean): FakeBaseNode | null {
    this.assertReadable('findChild')
    return this.childList.find(callback) ?? null
  }

  findChildren(callback?: (node: FakeBaseNode) => boolean): FakeBaseNode[] {
    this.assertReadable('findChildren')
    return callback ? this.childList.filter(callback) : [...this.childList]
  }

  findAllWithCriteria(criteria: {
    types?: string[]
    pluginData?: { keys?: string[] }
    sharedPluginData?: { namespace: string; keys?: string[] }
  }): FakeBaseNode[] {
    this.assertReadable('findAllWithCriteria')
    const shared = criteria.sharedPluginData
    if (shared) checkNamespace('findAllWithCriteria', shared.namespace)
    return this.findAll(
      (node) =>
        (!criteria.types || criteria.types.includes(node.type)) &&
        (!criteria.pluginData?.keys || criteria.pluginData.keys.some((key) => node.getPluginData(key) !== '')) &&
        (!shared ||
          (shared.keys
            ? shared.keys.some((key) => node.getSharedPluginData(shared.namespace, key) !== '')
            : node.getSharedPluginDataKeys(shared.namespace).length > 0)),
    )
  }
}

/** DocumentNode: "each of its children must be a PageNode"; searching it needs every page loaded. */
export class FakeDocumentNode extends FakeContainer {
  readonly type = 'DOCUMENT'
  constructor(doc: FakeDocument, id: string, name: string) {
    super(doc, id)
    this.name = name
  }

  override get children(): readonly FakePageNode[] {
    return Object.freeze(super.children.filter((child): child is FakePageNode => child instanceof FakePageNode))
  }

  protected override checkChild(child: FakeBaseNode): void {
    if (!(child instanceof FakePageNode)) throw new Error(`appendChild: the document's children must be pages, not a ${child.type}`)
  }

  /** The typings: findAll, findOne, findAllWithCriteria on the document need figma.loadAllPagesAsync under dynamic-page. */
  protected override assertReadable(what: string): void {
    if (what === 'children' || what === 'findChild' || what === 'findChildren' || what === 'appendChild' || what === 'insertChild') return
    if (!this.doc.rules.allPagesLoaded()) {
      throw new Error(
        `in ${what}: Cannot search the whole document before the pages are loaded. ` +
          'Remember to call `await figma.loadAllPagesAsync()` first (documentAccess is "dynamic-page").',
      )
    }
  }
}

export class FakePageNode extends FakeContainer {
  readonly type = 'PAGE'
  private selected: FakeBaseNode[] = []

  constructor(doc: FakeDocument, id: string, name: string) {
    super(doc, id)
    this.name = name
  }

  /** ChildrenMixin: under dynamic-page, "you must first call PageNode.loadAsync" (the first sentence is Figma's own). */
  protected override assertReadable(what: string): void {
    if (this.doc.rules.isPageLoaded(this)) return
    throw new Error(
      what === 'children'
        ? 'in get_children: Cannot access property `children` on a page that has not been explicitly loaded. ' +
            "Remember to call `await page.loadAsync()` or `await figma.loadAllPagesAsync()' first."
        : `in ${what}: Cannot call ${what} on a page that has not been explicitly loaded. ` +
            'Remember to call `await page.loadAsync()` or `await figma.loadAllPagesAsync()` first.',
    )
  }

  /** PageNode.loadAsync: "Loads the contents of the page node." */
  loadAsync(): Promise<void> {
    return this.doc.rules.loadPage(this)
  }

  get selection(): FakeBaseNode[] {
    return this.selected.filter((node) => !node.removed)
  }

  set selection(nodes: FakeBaseNode[]) {
    for (const node of nodes) {
      let page: FakeBaseNode | null = node
      while (page && page.type !== 'PAGE') page = page.parent
      if (page !== this) throw new Error(`selection: node ${node.id} is not on page "${this.name}"`)
    }
    this.selected = [...nodes]
  }
}

export type Paint = SolidPaintLike

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript requires a mixin base's constructor to take ...any[] (TS2545)
type AbstractConstructor<T> = abstract new (...args: any[]) => T

/** Properties of every node on the canvas (SceneNodeMixin, LayoutMixin, AutoLayoutChildrenMixin, GeometryMixin, MinimalStrokesMixin). */
const SCENE_CHECKS: Record<string, PropertyCheck> = {
  x: finiteNumber(),
  y: finiteNumber(),
  visible: boolean,
  locked: boolean,
  layoutAlign: oneOf('MIN', 'CENTER', 'MAX', 'STRETCH', 'INHERIT'),
  // AutoLayoutChildrenMixin.layoutGrow: "0 and 1 are currently the only supported values".
  layoutGrow: finiteNumber({ only: [0, 1] }),
  fills: paints,
  strokes: paints,
  // MinimalStrokesMixin.strokeWeight: "This value must be non-negative".
  strokeWeight: finiteNumber({ min: 0 }),
}

const SCENE_DEFAULTS = {
  x: 0,
  y: 0,
  visible: true,
  locked: false,
  layoutAlign: 'INHERIT',
  layoutGrow: 0,
  fills: Object.freeze([]),
  strokes: Object.freeze([]),
  strokeWeight: 1,
}

/** What every node on the canvas has: position, size, layout-child properties, fills and strokes. */
function scene<TBase extends AbstractConstructor<FakeBaseNode>>(Base: TBase) {
  abstract class FakeSceneNode extends Base {
    declare x: number
    declare y: number
    declare visible: boolean
    declare locked: boolean
    declare layoutAlign: 'MIN' | 'CENTER' | 'MAX' | 'STRETCH' | 'INHERIT'
    declare layoutGrow: number
    declare fills: readonly Paint[]
    declare strokes: readonly Paint[]
    declare strokeWeight: number
    fixedWidth = 100
    fixedHeight = 100

    get width(): number {
      return this.fixedWidth
    }

    get height(): number {
      return this.fixedHeight
    }

    get absoluteBoundingBox(): Box {
      return absoluteBox(this)
    }

    resize(width: number, height: number): void {
      this.assertAlive()
      if (!(width >= 0.01)) throw new Error(`in resize: Expected "width" to have value >= 0.01, got ${width}`)
      if (!(height >= 0.01)) throw new Error(`in resize: Expected "height" to have value >= 0.01, got ${height}`)
      this.fixedWidth = width
      this.fixedHeight = height
    }

    resizeWithoutConstraints(width: number, height: number): void {
      this.resize(width, height)
    }
  }
  checkedProperties(FakeSceneNode.prototype, SCENE_CHECKS)
  return FakeSceneNode
}

abstract class FakeLeafNode extends FakeBaseNode {}

export type FakeSceneNode = FakeFrameNode | FakeTextNode | FakeRectangleNode | FakeSectionNode | FakeStickyNode
export const isScene = (node: FakeBaseNode): node is FakeSceneNode =>
  node instanceof FakeFrameNode ||
  node instanceof FakeTextNode ||
  node instanceof FakeRectangleNode ||
  node instanceof FakeSectionNode ||
  node instanceof FakeStickyNode

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

/**
 * LayoutMixin.absoluteBoundingBox: the node's box in page coordinates. A child's x and y are
 * relative to its parent frame or section, so they add up to the page. (Auto-layout children are
 * not placed by the fake: their x and y stay what was set.)
 */
function absoluteBox(node: { x: number; y: number; width: number; height: number; parent: FakeContainer | null }): Box {
  let x = node.x
  let y = node.y
  for (let parent = node.parent; parent !== null && parent.type !== 'PAGE'; parent = parent.parent) {
    if (isScene(parent)) {
      x += parent.x
      y += parent.y
    }
  }
  return { x, y, width: node.width, height: node.height }
}

// CornerMixin.cornerRadius: "This value must be non-negative".
const CORNER_CHECKS = { cornerRadius: finiteNumber({ min: 0 }) }

export class FakeRectangleNode extends scene(FakeLeafNode) {
  readonly type = 'RECTANGLE'
  declare cornerRadius: number

  constructor(doc: FakeDocument, id: string) {
    super(doc, id)
    Object.assign(this.fields, SCENE_DEFAULTS, { name: 'Rectangle', cornerRadius: 0 })
  }
}
checkedProperties(FakeRectangleNode.prototype, CORNER_CHECKS)

/** AutoLayoutMixin, with the values the typings allow. Paddings are not documented as non-negative; the fake refuses negatives. */
const FRAME_CHECKS: Record<string, PropertyCheck> = {
  ...CORNER_CHECKS,
  layoutMode: oneOf('NONE', 'HORIZONTAL', 'VERTICAL', 'GRID'),
  primaryAxisSizingMode: oneOf('FIXED', 'AUTO'),
  counterAxisSizingMode: oneOf('FIXED', 'AUTO'),
  primaryAxisAlignItems: oneOf('MIN', 'MAX', 'CENTER', 'SPACE_BETWEEN', 'SPACE_EVENLY', 'SPACE_AROUND'),
  counterAxisAlignItems: oneOf('MIN', 'MAX', 'CENTER', 'BASELINE'),
  itemSpacing: finiteNumber(),
  paddingTop: finiteNumber({ min: 0 }),
  paddingBottom: finiteNumber({ min: 0 }),
  paddingLeft: finiteNumber({ min: 0 }),
  paddingRight: finiteNumber({ min: 0 }),
  clipsContent: boolean,
}

export class FakeFrameNode extends scene(FakeContainer) {
  readonly type = 'FRAME'
  declare cornerRadius: number
  declare layoutMode: 'NONE' | 'HORIZONTAL' | 'VERTICAL' | 'GRID'
  declare primaryAxisSizingMode: 'FIXED' | 'AUTO'
  declare counterAxisSizingMode: 'FIXED' | 'AUTO'
  declare primaryAxisAlignItems: 'MIN' | 'MAX' | 'CENTER' | 'SPACE_BETWEEN' | 'SPACE_EVENLY' | 'SPACE_AROUND'
  declare counterAxisAlignItems: 'MIN' | 'MAX' | 'CENTER' | 'BASELINE'
  declare itemSpacing: number
  declare paddingTop: number
  declare paddingBottom: number
  declare paddingLeft: number
  declare paddingRight: number
  declare clipsContent: boolean

  constructor(doc: FakeDocument, id: string) {
    super(doc, id)
    Object.assign(this.fields, SCENE_DEFAULTS, {
      name: 'Frame',
      fills: paints('fills', [{ type: 'SOLID', color: { r: 1, g: 1, b: 1 } }]),
      cornerRadius: 0,
      layoutMode: 'NONE',
      primaryAxisSizingMode: 'AUTO',
      counterAxisSizingMode: 'FIXED',
      primaryAxisAlignItems: 'MIN',
      counterAxisAlignItems: 'MIN',
      itemSpacing: 0,
      paddingTop: 0,
      paddingBottom: 0,
      paddingLeft: 0,
      paddingRight: 0,
      clipsContent: true,
    })
  }

  private flowChildren(): FakeSceneNode[] {
    return this.allChildren.filter((child): child is FakeSceneNode => isScene(child) && child.visible)
  }

  /** Auto layout, approximately: hugging sums the children along the axis, plus padding and spacing. */
  override get width(): number {
    const hug =
      (this.layoutMode === 'HORIZONTAL' && this.primaryAxisSizingMode === 'AUTO') ||
      (this.layoutMode === 'VERTICAL' && this.counterAxisSizingMode === 'AUTO')
    if (!hug) return this.fixedWidth
    const sizes = this.flowChildren().map((child) => child.width)
    const content =
      this.layoutMode === 'HORIZONTAL'
        ? sizes.reduce((sum, size) => sum + size, 0) + this.itemSpacing * Math.max(0, sizes.length - 1)
        : Math.max(0, ...sizes)
    return this.paddingLeft + content + this.paddingRight
  }

  override get height(): number {
    const hug =
      (this.layoutMode === 'VERTICAL' && this.primaryAxisSizingMode === 'AUTO') ||
      (this.layoutMode === 'HORIZONTAL' && this.counterAxisSizingMode === 'AUTO')
    if (!hug) return this.fixedHeight
    const sizes = this.flowChildren().map((child) => child.height)
    const content =
      this.layoutMode === 'VERTICAL'
        ? sizes.reduce((sum, size) => sum + size, 0) + this.itemSpacing * Math.max(0, sizes.length - 1)
        : Math.max(0, ...sizes)
    return this.paddingTop + content + this.paddingBottom
  }

  /** A section "can only be a child of a page or another section" (SectionNode in the Figma docs). */
  protected override checkChild(child: FakeBaseNode): void {
    super.checkChild(child)
    if (child.type === 'SECTION')
      throw new Error('appendChild: a section can only be placed on a page or in another section, not in a frame')
    // Whether FigJam lets a frame hold a sticky is not documented: the fake takes the strict option.
    if (child.type === 'STICKY') {
      throw new Error('appendChild: the fake puts stickies on a page or in a section only (FigJam documents no sticky in a frame)')
    }
  }

  /** The width a STRETCH child of a vertical frame gets. */
  innerWidth(): number {
    return Math.max(0, this.width - this.paddingLeft - this.paddingRight)
  }
}
checkedProperties(FakeFrameNode.prototype, FRAME_CHECKS)

type TextAutoResize = 'NONE' | 'WIDTH_AND_HEIGHT' | 'HEIGHT' | 'TRUNCATE'
const checkAutoResize = oneOf('NONE', 'WIDTH_AND_HEIGHT', 'HEIGHT', 'TRUNCATE')
// BaseNonResizableTextMixin.fontSize: "Has minimum value of 1."
const checkFontSize = finiteNumber({ min: 1 })

export class FakeTextNode extends scene(FakeLeafNode) {
  readonly type = 'TEXT'
  private text = ''
  private font: FontNameLike = { family: 'Inter', style: 'Regular' }
  private size = 12
  private autoResize: TextAutoResize = 'WIDTH_AND_HEIGHT'
  declare textAlignHorizontal: 'LEFT' | 'CENTER' | 'RIGHT' | 'JUSTIFIED'

  constructor(doc: FakeDocument, id: string) {
    super(doc, id)
    Object.assign(this.fields, SCENE_DEFAULTS, {
      fills: paints('fills', [{ type: 'SOLID', color: { r: 0, g: 0, b: 0 } }]),
      textAlignHorizontal: 'LEFT',
    })
  }

  private requireFont(font: FontNameLike = this.font): void {
    this.assertAlive()
    if (!this.doc.rules.isFontLoaded(font)) {
      throw new Error(
        `Cannot write to node with unloaded font "${fontLabel(font)}". Please call ` +
          `figma.loadFontAsync({ family: "${font.family}", style: "${font.style}" }) and await the returned promise first.`,
      )
    }
  }

  get characters(): string {
    return this.text
  }

  set characters(value: string) {
    this.requireFont()
    this.text = text('characters', value)
    if (this.autoResize === 'NONE' && this.name === '') this.name = value.slice(0, 40)
  }

  get fontName(): FontNameLike {
    return { ...this.font }
  }

  set fontName(font: FontNameLike) {
    if (!font || typeof font.family !== 'string' || typeof font.style !== 'string') throw new Error('fontName must be {family, style}')
    this.requireFont(font)
    this.font = { family: font.family, style: font.style }
  }

  get fontSize(): number {
    return this.size
  }

  set fontSize(size: number) {
    this.requireFont()
    this.size = checkFontSize('fontSize', size)
  }

  get textAutoResize(): TextAutoResize {
    return this.autoResize
  }

  set textAutoResize(mode: TextAutoResize) {
    this.requireFont()
    this.autoResize = checkAutoResize('textAutoResize', mode)
  }

  private lineHeight(): number {
    return Math.round(this.size * 1.25)
  }

  private boxWidth(): number {
    if (this.layoutAlign === 'STRETCH' && this.parent instanceof FakeFrameNode && this.parent.layoutMode === 'VERTICAL') {
      return this.parent.innerWidth()
    }
    return this.fixedWidth
  }

  override get width(): number {
    if (this.autoResize !== 'WIDTH_AND_HEIGHT') return this.boxWidth()
    const longest = Math.max(0, ...this.text.split('\n').map((line) => line.length))
    return Math.ceil(longest * this.size * 0.55)
  }

  override get height(): number {
    if (this.autoResize === 'NONE' || this.autoResize === 'TRUNCATE') return this.fixedHeight
    const perLine = Math.max(1, Math.floor(this.width / (this.size * 0.55)))
    const lines = this.text.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / perLine)), 0)
    return lines * this.lineHeight()
  }

  override resize(width: number, height: number): void {
    super.resize(width, height)
    if (this.autoResize === 'WIDTH_AND_HEIGHT') this.autoResize = 'HEIGHT'
  }
}
checkedProperties(FakeTextNode.prototype, { textAlignHorizontal: oneOf('LEFT', 'CENTER', 'RIGHT', 'JUSTIFIED') })

/**
 * SectionNode: children positioned relative to it; no resize, only resizeWithoutConstraints
 * ("Must be >= 0.01"); width and height read-only.
 */
export class FakeSectionNode extends FakeContainer {
  readonly type = 'SECTION'
  declare x: number
  declare y: number
  declare visible: boolean
  declare locked: boolean
  declare fills: readonly Paint[]
  declare strokes: readonly Paint[]
  declare strokeWeight: number
  declare cornerRadius: number
  declare sectionContentsHidden: boolean
  private size = { width: 100, height: 100 }

  constructor(doc: FakeDocument, id: string) {
    super(doc, id)
    Object.assign(this.fields, {
      name: 'Section',
      x: 0,
      y: 0,
      visible: true,
      locked: false,
      fills: paints('fills', [{ type: 'SOLID', color: { r: 1, g: 1, b: 1 } }]),
      strokes: Object.freeze([]),
      strokeWeight: 1,
      cornerRadius: 0,
      sectionContentsHidden: false,
    })
  }

  get width(): number {
    return this.size.width
  }

  get height(): number {
    return this.size.height
  }

  get absoluteBoundingBox(): Box {
    return absoluteBox(this)
  }

  resizeWithoutConstraints(width: number, height: number): void {
    this.assertAlive()
    if (!(width >= 0.01)) throw new Error(`in resizeWithoutConstraints: Expected "width" to have value >= 0.01, got ${width}`)
    if (!(height >= 0.01)) throw new Error(`in resizeWithoutConstraints: Expected "height" to have value >= 0.01, got ${height}`)
    this.size = { width, height }
    this.changed('width')
  }
}
checkedProperties(FakeSectionNode.prototype, {
  x: finiteNumber(),
  y: finiteNumber(),
  visible: boolean,
  locked: boolean,
  fills: paints,
  strokes: paints,
  strokeWeight: finiteNumber({ min: 0 }),
  cornerRadius: finiteNumber({ min: 0 }),
  sectionContentsHidden: boolean,
})

/** StickyNode.text, a TextSublayerNode: setting its text or font needs the font loaded, as for a text node. */
export class FakeTextSublayer {
  private value = ''
  private font: FontNameLike = { family: 'Inter', style: 'Medium' }
  private size = 16

  constructor(
    /** Not a Figma API: the sticky it belongs to. */
    readonly owner: FakeStickyNode,
  ) {}

  private requireFont(font: FontNameLike = this.font): void {
    this.owner.assertAlive()
    if (!this.owner.doc.rules.isFontLoaded(font)) {
      throw new Error(
        `Cannot write to node with unloaded font "${fontLabel(font)}". Please call ` +
          `figma.loadFontAsync({ family: "${font.family}", style: "${font.style}" }) and await the returned promise first.`,
      )
    }
  }

  get characters(): string {
    return this.value
  }

  set characters(value: string) {
    this.requireFont()
    this.value = text('characters', value)
    this.owner.changed('text')
  }

  get fontName(): FontNameLike {
    return { ...this.font }
  }

  set fontName(font: FontNameLike) {
    if (!font || typeof font.family !== 'string' || typeof font.style !== 'string') throw new Error('fontName must be {family, style}')
    this.requireFont(font)
    this.font = { family: font.family, style: font.style }
  }

  get fontSize(): number {
    return this.size
  }

  set fontSize(size: number) {
    this.requireFont()
    this.size = checkFontSize('fontSize', size)
  }

  /** Not a Figma API: what a person types (no plugin font rules). */
  typeAsHost(value: string): void {
    this.value = value
  }
}

/** StickyNode (FigJam): 240 × 240, or 416 wide when isWideWidth; no resize; an author name and a text sublayer. */
export class FakeStickyNode extends FakeBaseNode {
  readonly type = 'STICKY'
  declare x: number
  declare y: number
  declare visible: boolean
  declare locked: boolean
  declare fills: readonly Paint[]
  declare authorName: string
  declare authorVisible: boolean
  declare isWideWidth: boolean
  readonly text: FakeTextSublayer

  constructor(doc: FakeDocument, id: string, authorName: string) {
    super(doc, id)
    this.text = new FakeTextSublayer(this)
    Object.assign(this.fields, {
      name: '',
      x: 0,
      y: 0,
      visible: true,
      locked: false,
      fills: paints('fills', [{ type: 'SOLID', color: { r: 1, g: 0.91, b: 0.64 } }]),
      authorName,
      authorVisible: true,
      isWideWidth: false,
    })
  }

  get width(): number {
    return this.isWideWidth ? 416 : 240
  }

  get height(): number {
    return 240
  }

  get absoluteBoundingBox(): Box {
    return absoluteBox(this)
  }

  /** Not a Figma API: the sticky's text as a person types it. */
  setTextAsHost(value: string): void {
    this.text.typeAsHost(value)
  }
}
checkedProperties(FakeStickyNode.prototype, {
  x: finiteNumber(),
  y: finiteNumber(),
  visible: boolean,
  locked: boolean,
  fills: paints,
  authorName: text,
  authorVisible: boolean,
  isWideWidth: boolean,
})

// Every node API call reports its failure as an error of the plugin's realm, as Figma's do.
const nodeClasses = [
  FakeDocumentNode,
  FakePageNode,
  FakeRectangleNode,
  FakeFrameNode,
  FakeTextNode,
  FakeSectionNode,
  FakeStickyNode,
  FakeTextSublayer,
]
const prototypes = new Set<object>()
for (const nodeClass of nodeClasses) {
  let prototype: unknown = nodeClass.prototype
  while (typeof prototype === 'object' && prototype !== null && prototype !== Object.prototype) {
    prototypes.add(prototype)
    prototype = Object.getPrototypeOf(prototype)
  }
}
for (const prototype of prototypes) {
  guardErrors(prototype, (self) => {
    const node = self instanceof FakeTextSublayer ? self.owner : self
    return node instanceof FakeBaseNode ? node.doc.rules.pluginError : (error) => error
  })
}
