import { describe, expect, it } from 'vitest'
import { markdownTree, type MarkdownElement, type MarkdownNode } from '../../src/ui/view-models/markdown-tree.ts'

/** The tree as compact markup for reading expectations: tags and the attributes set, text as is. */
function show(nodes: MarkdownNode[]): string {
  return nodes
    .map((node) => {
      if (typeof node === 'string') return node
      const attributes = Object.entries(node.attributes).map(([name, value]) => ` ${name}=${JSON.stringify(value)}`)
      return `<${node.tag}${attributes.join('')}>${show(node.children)}</${node.tag}>`
    })
    .join('')
}

function elements(nodes: MarkdownNode[]): MarkdownElement[] {
  return nodes.flatMap((node) => (typeof node === 'string' ? [] : [node, ...elements(node.children)]))
}

const text = (nodes: MarkdownNode[]): string => nodes.map((node) => (typeof node === 'string' ? node : text(node.children))).join('')

describe('markdownTree: what the Spec Kit preview shows', () => {
  it.each([
    { name: 'headings', source: '# One\n\n## Two\n\n### Three', shown: '<h1>One</h1><h2>Two</h2><h3>Three</h3>' },
    {
      name: 'emphasis, strike and inline code',
      source: 'a *b* **c** ~~d~~ `e<f>`',
      shown: '<p>a <em>b</em> <strong>c</strong> <del>d</del> <code>e<f></code></p>',
    },
    { name: 'a code block, verbatim', source: '```ts\nconst a = "<b>"\n```', shown: '<pre><code>const a = "<b>"</code></pre>' },
    {
      name: 'lists, ordered from a number',
      source: '- a\n- b\n\n3. c\n4. d',
      shown: '<ul><li>a</li><li>b</li></ul><ol start=3><li>c</li><li>d</li></ol>',
    },
    { name: 'a quote and a rule', source: '> said\n\n---', shown: '<blockquote><p>said</p></blockquote><hr></hr>' },
    {
      name: 'a table with alignment',
      source: '| a | b |\n|---|:-:|\n| 1 | `2` |',
      shown:
        '<table><thead><tr><th>a</th><th align="center">b</th></tr></thead><tbody><tr><td>1</td><td align="center"><code>2</code></td></tr></tbody></table>',
    },
    { name: 'character references', source: 'a &amp; b &lt;c&gt; &#169; &copy;', shown: '<p>a & b <c> © &copy;</p>' },
    { name: 'a hard line break', source: 'one  \ntwo', shown: '<p>one<br></br>two</p>' },
    {
      name: 'a link, in a new window without an opener',
      source: '[docs](https://example.com/a?b=1 "Docs")',
      shown: '<p><a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer" title="Docs">docs</a></p>',
    },
    {
      name: 'a task list',
      source: '- [ ] open\n- [x] done',
      shown:
        '<ul><li><input type="checkbox" data-task-index=0 aria-label="open" checked=false></input> open</li>' +
        '<li><input type="checkbox" data-task-index=1 aria-label="done" checked=true></input> done</li></ul>',
    },
  ])('$name', ({ source, shown }) => {
    expect(show(markdownTree(source).nodes)).toBe(shown)
  })
})

describe('markdownTree: hostile documents', () => {
  const hostile = [
    '# Hostile',
    '<img src="x" onerror="window.__pwned=\'markdown\'">',
    "<script>window.__pwned='script'</script>",
    '<a href="https://example.com" onclick="window.__pwned=\'click\'">raw link</a> and <b onmouseover="x()">bold</b>',
    "[a script link](javascript:window.__pwned='link') [a data link](data:text/html,<script>x()</script>) [relative](/etc/passwd)",
    '![tracking pixel](https://tracker.example/pixel.gif)',
    '<!-- a comment -->',
  ].join('\n\n')
  const { nodes } = markdownTree(hostile)
  const all = elements(nodes)

  it('builds only the elements markdown means, with only the attributes it sets', () => {
    const allowed = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'hr', 'table'])
    for (const tag of ['thead', 'tbody', 'tr', 'th', 'td', 'strong', 'em', 'del', 'br', 'a', 'input']) allowed.add(tag)
    expect(all.map((node) => node.tag).filter((tag) => !allowed.has(tag))).toEqual([])
    expect(
      all.flatMap((node) => Object.keys(node.attributes)).filter((name) => name.startsWith('on') || name === 'src' || name === 'style'),
    ).toEqual([])
  })

  it('shows HTML written in the document as the text typed, never as elements', () => {
    const shown = text(nodes)
    expect(shown).toContain('<img src="x" onerror="window.__pwned=\'markdown\'">')
    expect(shown).toContain("<script>window.__pwned='script'</script>")
    expect(shown).toContain('<a href="https://example.com" onclick="window.__pwned=\'click\'">')
    expect(shown).not.toContain('a comment')
  })

  it('links only to http(s) addresses, and fetches no image: an image is a link named by its alt text', () => {
    const links = all.filter((node) => node.tag === 'a')
    expect(links.map((node) => [node.attributes.href, text(node.children), node.attributes.rel])).toEqual([
      ['https://tracker.example/pixel.gif', 'tracking pixel', 'noopener noreferrer'],
    ])
    expect(text(nodes)).toContain('a script link a data link relative')
  })
})
