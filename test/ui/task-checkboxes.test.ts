import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { markdownTree, type MarkdownElement, type MarkdownNode } from '../../src/ui/view-models/markdown-tree.ts'
import { taskItems, toggleTask } from '../../src/ui/view-models/task-checkboxes.ts'

describe('taskItems', () => {
  it.each([
    { name: 'no tasks', source: '# Title\n\n- a\n- b\n', expected: [] },
    {
      name: 'a flat task list',
      source: '# Tasks\n\n- [ ] T001 write\n- [x] T002 test\n- [X] T003 ship\n',
      expected: [
        { checked: false, text: 'T001 write' },
        { checked: true, text: 'T002 test' },
        { checked: true, text: 'T003 ship' },
      ],
    },
    {
      name: 'nested tasks count in the order they are rendered',
      source: '- [ ] parent\n  - [x] child one\n  - [ ] child two\n- [ ] sibling\n',
      expected: [
        { checked: false, text: 'parent' },
        { checked: true, text: 'child one' },
        { checked: false, text: 'child two' },
        { checked: false, text: 'sibling' },
      ],
    },
    {
      name: 'task-looking lines inside code are not tasks',
      source: '```\n- [ ] not a task\n```\n\n- [ ] real\n',
      expected: [{ checked: false, text: 'real' }],
    },
    {
      name: 'the same text twice maps to each occurrence',
      source: '- [ ] same\n\ntext\n\n- [x] same\n',
      expected: [
        { checked: false, text: 'same' },
        { checked: true, text: 'same' },
      ],
    },
    {
      name: 'ordered lists and other bullets',
      source: '1. [ ] first\n2) [x] second\n\n* [ ] star\n+ [ ] plus\n',
      expected: [
        { checked: false, text: 'first' },
        { checked: true, text: 'second' },
        { checked: false, text: 'star' },
        { checked: false, text: 'plus' },
      ],
    },
    {
      name: 'in a blockquote',
      source: '> - [ ] quoted task\n> - [x] done\n',
      expected: [
        { checked: false, text: 'quoted task' },
        { checked: true, text: 'done' },
      ],
    },
    {
      name: 'loose list with paragraphs',
      source: '- [ ] one\n\n  more text\n\n- [x] two\n',
      expected: [
        { checked: false, text: 'one' },
        { checked: true, text: 'two' },
      ],
    },
    { name: 'brackets without a space after are not tasks', source: '- [ ]\n- [x]done\n', expected: [] },
  ])('$name', ({ source, expected }) => {
    const items = taskItems(source)
    expect(items.map(({ checked, text }) => ({ checked, text }))).toEqual(expected)
    // Every offset points between the brackets of its own item.
    for (const item of items) {
      expect(source[item.offset - 1]).toBe('[')
      expect(source[item.offset + 1]).toBe(']')
      expect(source[item.offset].toLowerCase()).toBe(item.checked ? 'x' : ' ')
    }
    expect(items.map((item) => item.index)).toEqual(items.map((_, i) => i))
  })
})

describe('toggleTask', () => {
  const source = '# Tasks\n\n```md\n- [ ] in code\n```\n\n- [ ] T001 write\n  - [ ] T001a nested\n- [x] T002 test\n'

  it.each([
    { index: 0, checked: undefined, changed: '- [x] T001 write' },
    { index: 1, checked: undefined, changed: '  - [x] T001a nested' },
    { index: 2, checked: undefined, changed: '- [ ] T002 test' },
    { index: 2, checked: true, changed: '- [x] T002 test' },
    { index: 0, checked: false, changed: '- [ ] T001 write' },
  ])('task $index (checked: $checked)', ({ index, checked, changed }) => {
    const next = toggleTask(source, index, checked)
    expect(next).not.toBeNull()
    expect(next!.split('\n')).toContain(changed)
    // Only one character differs, and the code block is untouched.
    expect(next!.length).toBe(source.length)
    expect([...next!].filter((c, i) => c !== source[i]).length).toBeLessThanOrEqual(1)
    expect(next).toContain('- [ ] in code')
  })

  it('returns null for a task that is not there', () => {
    expect(toggleTask(source, 3)).toBeNull()
    expect(toggleTask('no tasks', 0)).toBeNull()
  })

  it('works on CRLF text and returns it with \\n', () => {
    expect(toggleTask('- [ ] a\r\n- [ ] b\r\n', 1)).toBe('- [ ] a\n- [x] b\n')
  })
})

/** Every checkbox of a rendered tree, in document order. */
function checkboxes(nodes: MarkdownNode[]): MarkdownElement[] {
  return nodes.flatMap((node) =>
    typeof node === 'string' ? [] : node.tag === 'input' ? [node, ...checkboxes(node.children)] : checkboxes(node.children),
  )
}

describe('rendered checkboxes ↔ task items', () => {
  it.each([
    '- [ ] a\n- [x] b\n',
    '- [ ] parent\n  - [x] child\n    - [ ] grandchild\n- [ ] sibling\n',
    '> - [ ] quoted\n\n1. [x] ordered\n',
    '- [ ] loose one\n\n  paragraph\n\n- [x] loose two\n',
    '```\n- [ ] code\n```\n\n| a |\n|---|\n| - [ ] cell |\n\n- [ ] after table\n',
    readFileSync(new URL('../../spec/continue-orchestrator/tasks.md', import.meta.url), 'utf8'),
  ])('renders one numbered checkbox per task, in order (%#)', (source) => {
    const { nodes, tasks } = markdownTree(source)
    const rendered = checkboxes(nodes).map((box) => box.attributes)
    expect(rendered.map((box) => box['data-task-index'])).toEqual(tasks.map((task) => task.index))
    expect(rendered.map((box) => box.checked)).toEqual(tasks.map((task) => task.checked))
    expect(rendered.map((box) => box['aria-label'])).toEqual(tasks.map((task) => task.text))
    expect(rendered.every((box) => box.type === 'checkbox' && !('disabled' in box))).toBe(true)
  })

  it('labels the checkbox with the task text as text, tags and quotes included', () => {
    const [box] = checkboxes(markdownTree('- [ ] a "quoted" <b>task</b>\n').nodes)
    expect(box.attributes['aria-label']).toBe('a "quoted" <b>task</b>')
  })
})
