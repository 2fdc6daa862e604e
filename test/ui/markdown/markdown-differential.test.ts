/**
 * Our markdown parser against marked, the library the preview used before: the same documents
 * rendered by both must give the same tree (tags, attributes and text; runs of whitespace count
 * as one space outside code, as a browser shows them). The corpus is every markdown document in
 * the repository (the seeded Spec Kit documents and templates, the README) and hand-written edge
 * cases. The deliberate differences are listed in DIFFERENCES, each with why; nothing else may
 * differ. Then hostile documents: deep nesting, a megabyte, runs that make naive parsers
 * backtrack. They must finish (no timings are asserted) with a clear outcome and no stack overflow.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { markdownTree, type MarkdownNode } from '../../../src/ui/view-models/markdown-tree.ts'
import { MAX_DEPTH } from '../../../src/ui/view-models/markdown/blocks.ts'
import { markedTree } from './marked-reference.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))

/**
 * The tree as one line per block-level element, text normalised as a browser lays it out (runs of
 * whitespace as one space, none at a block's edges or beside a line break). A list item's
 * paragraphs are unwrapped: marked's lexer gave list items bare text, so the old preview never
 * put them in <p> (and ran an item's two paragraphs together); ours follows CommonMark, where a
 * loose list's paragraphs are paragraphs. That is the first deliberate difference.
 */
function outline(nodes: readonly MarkdownNode[], inPre = false): string {
  return nodes
    .map((node) => {
      if (typeof node === 'string') return inPre ? node : node.replace(/\s+/g, ' ')
      // Labels come from the source in our parser; the reference has none.
      const { 'aria-label': _label, ...attributes } = node.attributes
      const shown = Object.entries(attributes).map(([name, value]) => ` ${name}=${JSON.stringify(value)}`)
      const children =
        node.tag === 'li'
          ? node.children.flatMap((child) => (typeof child !== 'string' && child.tag === 'p' ? child.children : [child]))
          : node.children
      const inner = outline(children, inPre || node.tag === 'pre')
      const block = !['strong', 'em', 'del', 'code', 'a', 'br', 'input'].includes(node.tag) || (node.tag === 'code' && inPre)
      const trimmed = inPre ? inner : (block ? inner.replace(/^ +| +$/g, '') : inner).replace(/ {2,}/g, ' ')
      return `${block ? '\n' : ''}<${node.tag}${shown.join('')}>${trimmed.replace(/ *(<br>) */g, '$1')}</${node.tag}>`
    })
    .join('')
}

function markdownFiles(dir: string): string[] {
  return readdirSync(`${root}${dir}`, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? markdownFiles(`${dir}/${entry.name}`) : entry.name.endsWith('.md') ? [`${dir}/${entry.name}`] : [],
  )
}

/** The documents a new workspace is seeded with, as the migrations write them ($tpl$ … $tpl$). */
function seededDocuments(): [string, string][] {
  const dir = `${root}supabase/migrations`
  return readdirSync(dir).flatMap((file) =>
    [...readFileSync(`${dir}/${file}`, 'utf8').matchAll(/\$tpl\$([\s\S]*?)\$tpl\$/g)].map((match, i): [string, string] => [
      `${file} #${i + 1}`,
      match[1],
    ]),
  )
}

const EDGE_CASES: [string, string][] = [
  ['headings', '# One #\n## Two\n###### Six\n####### seven\n#no\n\nSetext\n===\n\nTwo\nlines\n---\n'],
  ['paragraph and rules', 'a\nb\n\n***\n- - -\n___\n\nc\n'],
  ['nested lists', '- a\n  - b\n    - c\n  - d\n- e\n\n1. one\n2. two\n   1. inner\n'],
  ['loose list', '- a\n\n- b\n\n  para\n- c\n'],
  ['ordered start', '3) x\n4) y\n\n007. z\n'],
  ['task items', '- [ ] a\n- [x] b *em*\n  - [X] c\n\n1. [ ] ordered\n'],
  ['fences', '```js\nlet a = "<b>"\n```\n\n~~~\n```\ninside\n~~~\n\n````\nunclosed'],
  ['indented code', '    code\n      more\n\n    after blank\n\ntext'],
  ['quotes', '> a\n> > b\n> lazy\nline\n\n> - list\n>   in quote\n'],
  ['tables', '| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 |\n| x \\| y | `z` | **w** |\n\ntext\n| h |\n|---|\n| r |\n'],
  ['inline', 'a *b* **c** ***d*** _e_ __f__ ~~g~~ `h` ``i ` j`` k*l*m x_y_z'],
  ['emphasis edges', '*a **b** c* **a *b* c** *a* b*c **d*'],
  ['links', '[a](https://x.y "T") [b](<https://x.y/a b>) [c](https://x.y/(p)) [d](javascript:alert(1)) [e][f] ![i](https://x.y/i.png)'],
  ['autolinks', '<https://x.y/z> see https://www.example.com/a?b=c. and www.example.org, (https://x.y/p)'],
  ['escapes and entities', '\\*not em\\* \\# \\[x\\] &amp; &lt;b&gt; &#65; &#x42; &copy; &bogus;'],
  ['breaks', 'one  \ntwo\\\nthree\nfour'],
  ['raw html', '<div>\n*kept as text*\n</div>\n\n<!-- comment -->\n\ntext <b>bold</b> <!-- inline comment --> end'],
  ['code spans', '`a` `` b`c `` ``` ` ``` `unclosed'],
  ['mixed blocks', '# T\n- a\n\n> q\n```\nc\n```\n| a |\n|---|\n'],
]

/**
 * Where our tree differs from marked's on purpose (besides list items' paragraphs, see outline).
 * Each entry names the construct, why, and a source that shows it; the test checks each still
 * differs, so the list stays true. `explains` accepts a differing line of the corpus when the
 * difference is this one (only the tilde rule occurs in the corpus, in the README).
 */
const DIFFERENCES: { name: string; source: string; why: string; explains?: (ours: string, marked: string) => boolean }[] = [
  {
    name: 'single tildes',
    source: 'the UI kit (~100 KB), re2js (~48 KB)',
    why: 'a tilde strikes through only where GitHub would (the closing one must end a word); marked struck "(~100 KB … (~48" through',
    explains: (ours, marked) => ours === marked.replace(/<\/?del>/g, '~'),
  },
  {
    name: 'the rule of 3',
    source: '*d **e*f**',
    why: "CommonMark's rule for runs that both open and close (a run of 2 does not close a run of 1 that can also close); marked pairs them",
  },
  {
    name: 'a block right after a list item',
    source: '- a\n> q',
    why: 'an unindented quote, fence or table ends the list (CommonMark); marked kept it inside the item',
  },
  {
    name: 'reference links',
    source: '[text][ref]\n\n[ref]: https://example.com',
    why: 'link reference definitions are not supported: the text shows as written (no document in the repository uses them)',
  },
]

describe('our markdown parser renders the corpus as marked did', () => {
  const corpus: [string, string][] = [
    ...markdownFiles('spec').map((file): [string, string] => [file, readFileSync(`${root}${file}`, 'utf8')]),
    ['README.md', readFileSync(`${root}README.md`, 'utf8')],
    ...seededDocuments(),
    ...EDGE_CASES,
  ]

  it('has a corpus: the seeded documents, the README and the edge cases', () => {
    expect(corpus.filter(([name]) => name.startsWith('spec/')).length).toBeGreaterThanOrEqual(8)
    expect(seededDocuments().length).toBeGreaterThanOrEqual(4)
  })

  it.each(corpus)('%s', (_name, source) => {
    const ours = outline(markdownTree(source).nodes).split('\n')
    const marked = outline(markedTree(source)).split('\n')
    expect(ours.length).toBe(marked.length)
    const unexplained = ours.flatMap((line, i) =>
      line === marked[i] || DIFFERENCES.some((difference) => difference.explains?.(line, marked[i]))
        ? []
        : [{ ours: line, marked: marked[i] }],
    )
    expect(unexplained).toEqual([])
  })

  it.each(DIFFERENCES)('differs on purpose: $name ($why)', ({ source }) => {
    expect(outline(markdownTree(source).nodes)).not.toEqual(outline(markedTree(source)))
  })
})

/** The deepest nesting of a tree, counted without recursion. */
function depth(nodes: readonly MarkdownNode[]): number {
  let deepest = 0
  const pending = nodes.map((node) => ({ node, level: 1 }))
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    deepest = Math.max(deepest, next.level)
    if (typeof next.node !== 'string') for (const child of next.node.children) pending.push({ node: child, level: next.level + 1 })
  }
  return deepest
}

const textOf = (nodes: readonly MarkdownNode[]): string =>
  nodes.map((node) => (typeof node === 'string' ? node : textOf(node.children))).join('')

describe('hostile markdown', () => {
  it('nests 10,000 quotes only MAX_DEPTH deep, showing the rest as the text written', () => {
    const { nodes } = markdownTree(`${'>'.repeat(10_000)} deep`)
    expect(depth(nodes)).toBeLessThanOrEqual(MAX_DEPTH + 3)
    expect(textOf(nodes)).toContain('> deep')
  })

  it.each([
    ['bullets', `${'- '.repeat(10_000)}deep`],
    ['numbers', `${'1. '.repeat(10_000)}deep`],
    ['quoted items', `${'> - '.repeat(5_000)}deep`],
  ])('nests 10,000 list items on one line (%s) only MAX_DEPTH deep', (_name, source) => {
    const { nodes } = markdownTree(source)
    expect(depth(nodes)).toBeLessThanOrEqual(2 * MAX_DEPTH + 3)
    expect(textOf(nodes)).toContain('deep')
  })

  it('parses a 1 MB document', () => {
    const section = '## Section\n\nSome *text* with `code`, a [link](https://example.com) and a list:\n\n- [ ] one\n- [x] two\n\n'
    const source = section.repeat(Math.ceil(1_000_000 / section.length))
    const { nodes, tasks } = markdownTree(source)
    expect(nodes.filter((node) => typeof node !== 'string' && node.tag === 'h2').length).toBe(Math.ceil(1_000_000 / section.length))
    expect(tasks.length).toBe(2 * Math.ceil(1_000_000 / section.length))
  })

  it.each([
    ['[ ×100,000', '['.repeat(100_000)],
    ['[]( ×50,000', '[]('.repeat(50_000)],
    ['nested brackets', `${'['.repeat(50_000)}a${']'.repeat(50_000)}`],
    ['a* ×100,000', `a${'*'.repeat(100_000)}`],
    ['*a ×50,000', '*a '.repeat(50_000)],
    ['a** ×50,000', '**a'.repeat(50_000)],
    ['_ and * alternating', '*_'.repeat(50_000)],
    ['backticks of growing length', Array.from({ length: 400 }, (_, i) => '`'.repeat(i + 1)).join('a')],
    ['< ×100,000', '<'.repeat(100_000)],
    ['links inside links', `${'[a'.repeat(10_000)}${'](https://x.y)'.repeat(10_000)}`],
  ])('shows %s as text, completely', (_name, source) => {
    const { nodes } = markdownTree(source)
    // Every character that is not markup shows; nothing is lost or duplicated wholesale.
    expect(textOf(nodes).length).toBeGreaterThan(0)
    expect(textOf(nodes).length).toBeLessThanOrEqual(source.length)
  })
})
