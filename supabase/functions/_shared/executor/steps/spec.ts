/**
 * `spec`: proposes a change to a Spec Kit document, as a unified diff artifact and as a proposal
 * (ops.spec_proposals) on the document. The document is not changed: a member of the workspace
 * reviews the proposal in the Spec Kit tab and applies or dismisses it. The diff takes
 * time linear in the documents' size (see spec-diff.ts); a proposal larger than a spec document
 * may be, or whose diff is larger than an artifact may be, fails the step.
 */
import { StepFailedError } from '../errors.ts'
import { formatBytes, utf8Bytes } from '../log-bytes.ts'
import type { StepRunner } from './context.ts'
import { MAX_COMPARED_BYTES, MAX_COMPARED_LINES, proposalDiff } from './spec-diff.ts'

/** What ops.spec_docs.content and ops.artifacts.content hold at most. */
const MAX_DOC_BYTES = 1024 * 1024
const MAX_ARTIFACT_BYTES = 1024 * 1024

const count = (n: number) => n.toLocaleString('en-US')

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
  const proposedBytes = utf8Bytes(proposed)
  if (proposedBytes > MAX_DOC_BYTES) {
    throw new StepFailedError(
      step.id,
      `the proposed change would make ${doc.title} ${count(proposedBytes)} bytes; a spec document holds at most ${count(MAX_DOC_BYTES)} bytes (${formatBytes(MAX_DOC_BYTES)})`,
    )
  }
  const diff = proposalDiff(doc.content, proposed, {
    oldName: `a/${doc.title}`,
    newName: `b/${doc.title}`,
    oldHeader: `version ${doc.version}`,
    newHeader: 'proposed',
  })
  const diffBytes = utf8Bytes(diff.patch)
  if (diffBytes > MAX_ARTIFACT_BYTES) {
    throw new StepFailedError(
      step.id,
      `the proposed change to ${doc.title} is too large to show as a diff: ${count(diffBytes)} bytes; an artifact holds at most ${count(MAX_ARTIFACT_BYTES)} bytes (${formatBytes(MAX_ARTIFACT_BYTES)})`,
    )
  }
  await ctx.artifact({
    key: `${step.id}:diff`,
    kind: 'diff',
    title: `Proposed change to ${doc.title}`,
    content: diff.patch,
    mime: 'text/x-diff',
  })
  const proposalId = await ctx.store.addSpecProposal(ctx.run.id, {
    step_id: step.id,
    doc: spec.doc,
    base_version: doc.version,
    proposed_content: proposed,
    diff: diff.patch,
    change: spec.replace ? { replace: { find: spec.replace.find, with: spec.replace.with } } : { append: spec.append ?? '' },
  })
  const { added, removed, replacement } = diff
  const shown = !replacement
    ? ''
    : replacement.lines > MAX_COMPARED_LINES
      ? `. The changed region (${count(replacement.lines)} lines) is larger than the ${count(MAX_COMPARED_LINES)} lines compared line by line, so it is shown as one replacement`
      : `. The changed region (${formatBytes(replacement.bytes)}) is larger than the ${formatBytes(MAX_COMPARED_BYTES)} compared line by line, so it is shown as one replacement`
  await ctx.log({
    message: `Proposed a change to ${doc.title} (version ${doc.version}): +${added} −${removed} lines, see the artifacts${shown}`,
    data: {
      doc: spec.doc,
      base_version: doc.version,
      proposal_id: proposalId,
      added,
      removed,
      ...(replacement ? { shown_as: 'replacement' } : {}),
    },
  })
  return { status: 'succeeded', output: { doc: spec.doc, base_version: doc.version, proposal_id: proposalId } }
}
