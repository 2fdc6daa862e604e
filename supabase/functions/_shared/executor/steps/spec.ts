/**
 * `spec`: proposes a change to a Spec Kit document as a unified diff artifact. The document is
 * not changed: its owner reviews the proposal and applies it in the Spec Kit tab.
 */
import { createTwoFilesPatch } from 'diff'
import { StepFailedError } from '../errors.ts'
import type { StepRunner } from './context.ts'

export const runSpec: StepRunner<'spec'> = async (ctx) => {
  const { step } = ctx
  const { value: spec } = ctx.bind()
  const doc = await ctx.store.specDoc(ctx.run.workspace_id, spec.doc)
  if (!doc) throw new StepFailedError(step.id, `spec doc ${spec.doc} does not exist`)
  let proposed: string
  if (spec.replace) {
    if (!doc.content.includes(spec.replace.find)) {
      throw new StepFailedError(step.id, `the text to replace was not found in ${doc.title} (version ${doc.version})`)
    }
    proposed = doc.content.replace(spec.replace.find, () => spec.replace!.with)
  } else {
    const base = doc.content === '' || doc.content.endsWith('\n') ? doc.content : `${doc.content}\n`
    proposed = `${base}${spec.append ?? ''}\n`
  }
  const patch = createTwoFilesPatch(`a/${doc.title}`, `b/${doc.title}`, doc.content, proposed, `version ${doc.version}`, 'proposed')
  const added = patch.split('\n').filter((line) => line.startsWith('+') && !line.startsWith('+++')).length
  const removed = patch.split('\n').filter((line) => line.startsWith('-') && !line.startsWith('---')).length
  await ctx.artifact({
    key: `${step.id}:diff`,
    kind: 'diff',
    title: `Proposed change to ${doc.title}`,
    content: patch,
    mime: 'text/x-diff',
  })
  ctx.log({
    message: `Proposed a change to ${doc.title} (version ${doc.version}): +${added} −${removed} lines, see the artifacts`,
    data: { doc: spec.doc, base_version: doc.version, added, removed },
  })
  return { status: 'succeeded', output: { doc: spec.doc, base_version: doc.version } }
}
