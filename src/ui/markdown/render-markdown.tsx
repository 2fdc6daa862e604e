/**
 * Markdown for the Spec Kit preview as Preact elements, straight from the tree of plain elements
 * `markdownTree` builds from the markdown parser's blocks: no HTML string is ever made or parsed, so a document
 * can never run script or carry event handlers into the plugin.
 */
import { h, type ComponentChildren } from 'preact'
import { markdownTree, type MarkdownNode } from '../view-models/markdown-tree.ts'
function toElement(node: MarkdownNode, key: number): ComponentChildren {
  if (typeof node === 'string') return node
  return h(node.tag, { ...node.attributes, key }, node.children.length > 0 ? node.children.map(toElement) : undefined)
}

export function renderMarkdown(source: string): ComponentChildren {
  return markdownTree(source).nodes.map(toElement)
}
