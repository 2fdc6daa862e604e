/**
 * The document model behind the fake `figma` global: a document with pages and the node types
 * the plugin uses (frames with auto layout, text, rectangles), with the documented rules that
 * catch real bugs: text edits need their font loaded, plugin data is limited to 100 kB per entry,
 * relaunch data must name a relaunch command of the manifest, removed nodes stay removed.
 * The document outlives one plugin run (the preview's canvas), so it is created separately.
 */

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
}

const PLUGIN_DATA_LIMIT_BYTES = 100 * 1024
const RELAUNCH_DESCRIPTION_LIMIT = 1000

const utf8Length = (text: string) => new TextEncoder().encode(text).length
const fontLabel = (font: FontNameLike) => `${font.family} ${font.style}`

export class FakeDocument {
  private nextId = 2
  private readonly nodes = new Map<string, FakeBaseNode>()
  readonly root: FakeDocumentNode
  currentPage: FakePageNode
  /** Set per plugin run by createFakeFigma. */
  rules: DocumentRules = { pluginId: 'fake-plugin', relaunchCommands: [], isFontLoaded: () => false }

  constructor(name = 'Untitled') {
    this.root = new FakeDocumentNode(this, '0:0', name)
    this.nodes.set(this.root.id, this.root)
    this.currentPage = this.createPage('Page 1')
  }

  createPage(name: string): FakePageNode {
    const page = new FakePageNode(this, `0:${this.root.children.length + 1}`, name)
    this.nodes.set(page.id, page)
    this.root.children.push(page)
    page.parent = this.root
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

  createFrame(): FakeFrameNode {
    const frame = this.register(new FakeFrameNode(this, this.newId()))
    this.currentPage.appendChild(frame)
    return frame
  }

  createText(): FakeTextNode {
    const text = this.register(new FakeTextNode(this, this.newId()))
    this.currentPage.appendChild(text)
    return text
  }

  createRectangle(): FakeRectangleNode {
    const rectangle = this.register(new FakeRectangleNode(this, this.newId()))
    this.currentPage.appendChild(rectangle)
    return rectangle
  }
}

export abstract class FakeBaseNode {
  abstract readonly type: string
  name = ''
  parent: FakeContainer | null = null
  removed = false
  private readonly pluginData = new Map<string, string>()
  private relaunch: Record<string, string> = {}

  constructor(
    protected readonly doc: FakeDocument,
    readonly id: string,
  ) {}

  getPluginData(key: string): string {
    this.assertAlive()
    return this.pluginData.get(key) ?? ''
  }

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
  }

  protected markRemoved(): void {
    this.removed = true
    if (this instanceof FakeContainer) for (const child of this.children) child.markRemoved()
  }

  assertAlive(): void {
    if (this.removed) throw new Error(`The node (id: ${this.id}) does not exist (it was removed)`)
  }

  toString(): string {
    return `[Node ${this.id}]`
  }
}

export abstract class FakeContainer extends FakeBaseNode {
  readonly children: FakeBaseNode[] = []

  appendChild(child: FakeBaseNode): void {
    this.insertChild(this.children.length, child)
  }

  insertChild(index: number, child: FakeBaseNode): void {
    this.assertAlive()
    if (!(child instanceof FakeBaseNode) || child.removed) throw new Error('appendChild: the child is not a node of this document')
    if (child.type === 'PAGE' || child.type === 'DOCUMENT') throw new Error(`appendChild: a ${child.type.toLowerCase()} cannot be a child`)
    if (this.isInside(child)) throw new Error('appendChild: a node cannot be moved inside itself')
    child.parent?.detach(child)
    this.children.splice(Math.max(0, Math.min(index, this.children.length)), 0, child)
    child.parent = this
  }

  /** Whether this container is `node` or lies somewhere inside it. */
  private isInside(node: FakeBaseNode): boolean {
    return node === this || (this.parent !== null && this.parent.isInside(node))
  }

  detach(child: FakeBaseNode): void {
    const index = this.children.indexOf(child)
    if (index >= 0) this.children.splice(index, 1)
    child.parent = null
    if (this instanceof FakePageNode) this.selection = this.selection.filter((node) => node !== child)
  }

  findAll(callback?: (node: FakeBaseNode) => boolean): FakeBaseNode[] {
    const found: FakeBaseNode[] = []
    const visit = (node: FakeBaseNode) => {
      if (!callback || callback(node)) found.push(node)
      if (node instanceof FakeContainer) node.children.forEach(visit)
    }
    this.children.forEach(visit)
    return found
  }

  findOne(callback: (node: FakeBaseNode) => boolean): FakeBaseNode | null {
    return this.findAll(callback)[0] ?? null
  }

  findChild(callback: (node: FakeBaseNode) => boolean): FakeBaseNode | null {
    return this.children.find(callback) ?? null
  }

  findChildren(callback?: (node: FakeBaseNode) => boolean): FakeBaseNode[] {
    return callback ? this.children.filter(callback) : [...this.children]
  }

  findAllWithCriteria(criteria: { types?: string[]; pluginData?: { keys?: string[] } }): FakeBaseNode[] {
    return this.findAll(
      (node) =>
        (!criteria.types || criteria.types.includes(node.type)) &&
        (!criteria.pluginData?.keys || criteria.pluginData.keys.some((key) => node.getPluginData(key) !== '')),
    )
  }
}

export class FakeDocumentNode extends FakeContainer {
  readonly type = 'DOCUMENT'
  declare readonly children: FakePageNode[]
  constructor(doc: FakeDocument, id: string, name: string) {
    super(doc, id)
    this.name = name
  }
}

export class FakePageNode extends FakeContainer {
  readonly type = 'PAGE'
  private selected: FakeBaseNode[] = []

  constructor(doc: FakeDocument, id: string, name: string) {
    super(doc, id)
    this.name = name
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

export type Paint = { type: string; color?: { r: number; g: number; b: number }; opacity?: number; visible?: boolean }

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript requires a mixin base's constructor to take ...any[] (TS2545)
type AbstractConstructor<T> = abstract new (...args: any[]) => T

/** What every node on the canvas has: position, size, layout-child properties, fills and strokes. */
function scene<TBase extends AbstractConstructor<FakeBaseNode>>(Base: TBase) {
  abstract class FakeSceneNode extends Base {
    x = 0
    y = 0
    visible = true
    locked = false
    layoutAlign: 'MIN' | 'CENTER' | 'MAX' | 'STRETCH' | 'INHERIT' = 'INHERIT'
    layoutGrow = 0
    fills: readonly Paint[] = []
    strokes: readonly Paint[] = []
    strokeWeight = 1
    fixedWidth = 100
    fixedHeight = 100

    get width(): number {
      return this.fixedWidth
    }

    get height(): number {
      return this.fixedHeight
    }

    resize(width: number, height: number): void {
      this.assertAlive()
      if (!(width >= 0.01) || !(height >= 0.01)) throw new Error(`resize: width and height must be at least 0.01, got ${width} × ${height}`)
      this.fixedWidth = width
      this.fixedHeight = height
    }

    resizeWithoutConstraints(width: number, height: number): void {
      this.resize(width, height)
    }
  }
  return FakeSceneNode
}

abstract class FakeLeafNode extends FakeBaseNode {}

export type FakeSceneNode = FakeFrameNode | FakeTextNode | FakeRectangleNode
export const isScene = (node: FakeBaseNode): node is FakeSceneNode =>
  node instanceof FakeFrameNode || node instanceof FakeTextNode || node instanceof FakeRectangleNode

export class FakeRectangleNode extends scene(FakeLeafNode) {
  readonly type = 'RECTANGLE'
  cornerRadius = 0
}

export class FakeFrameNode extends scene(FakeContainer) {
  readonly type = 'FRAME'
  layoutMode: 'NONE' | 'HORIZONTAL' | 'VERTICAL' = 'NONE'
  primaryAxisSizingMode: 'FIXED' | 'AUTO' = 'AUTO'
  counterAxisSizingMode: 'FIXED' | 'AUTO' = 'FIXED'
  primaryAxisAlignItems: 'MIN' | 'CENTER' | 'MAX' | 'SPACE_BETWEEN' = 'MIN'
  counterAxisAlignItems: 'MIN' | 'CENTER' | 'MAX' | 'BASELINE' = 'MIN'
  itemSpacing = 0
  paddingTop = 0
  paddingBottom = 0
  paddingLeft = 0
  paddingRight = 0
  cornerRadius = 0
  clipsContent = true

  constructor(doc: FakeDocument, id: string) {
    super(doc, id)
    this.name = 'Frame'
    this.fills = [{ type: 'SOLID', color: { r: 1, g: 1, b: 1 } }]
  }

  private flowChildren(): FakeSceneNode[] {
    return this.children.filter((child): child is FakeSceneNode => isScene(child) && child.visible)
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

  /** The width a STRETCH child of a vertical frame gets. */
  innerWidth(): number {
    return Math.max(0, this.width - this.paddingLeft - this.paddingRight)
  }
}

export class FakeTextNode extends scene(FakeLeafNode) {
  readonly type = 'TEXT'
  private text = ''
  private font: FontNameLike = { family: 'Inter', style: 'Regular' }
  private size = 12
  private autoResize: 'NONE' | 'WIDTH_AND_HEIGHT' | 'HEIGHT' | 'TRUNCATE' = 'WIDTH_AND_HEIGHT'
  textAlignHorizontal: 'LEFT' | 'CENTER' | 'RIGHT' | 'JUSTIFIED' = 'LEFT'

  constructor(doc: FakeDocument, id: string) {
    super(doc, id)
    this.fills = [{ type: 'SOLID', color: { r: 0, g: 0, b: 0 } }]
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
    if (typeof value !== 'string') throw new Error('characters must be a string')
    this.text = value
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
    if (!(size >= 1)) throw new Error(`fontSize must be at least 1, got ${size}`)
    this.size = size
  }

  get textAutoResize(): 'NONE' | 'WIDTH_AND_HEIGHT' | 'HEIGHT' | 'TRUNCATE' {
    return this.autoResize
  }

  set textAutoResize(mode: 'NONE' | 'WIDTH_AND_HEIGHT' | 'HEIGHT' | 'TRUNCATE') {
    this.requireFont()
    this.autoResize = mode
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
