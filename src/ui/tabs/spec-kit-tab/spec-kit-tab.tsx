import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { SpecDocRow } from '../../../client/types.ts'
import { SpecDocEditor } from '../../components/spec-doc-editor/spec-doc-editor.tsx'
import { SpecDocTabs } from '../../components/spec-doc-tabs/spec-doc-tabs.tsx'
import { SpecProposals } from '../../components/spec-proposal/spec-proposals.tsx'
import { ProposalDiscussion } from '../../components/spec-comments/proposal-discussion.tsx'
import { useSpecProposals } from '../../hooks/use-spec-proposals.ts'
import { useWorkspaceRole } from '../../hooks/use-workspace-role.ts'
import { SpecBoardPanel } from '../../components/spec-board/spec-board-panel.tsx'
import { useServices } from '../../services/services-context.ts'
import { takeRequestedSpecDoc } from '../../app/spec-doc-request.ts'
import { archiveSpecDoc, createSpecDoc, renameSpecDoc } from '../../../client/spec-documents.ts'
import { roleAtLeast } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './spec-kit-tab.css'

/** The Spec Kit documents: pick one, read it, edit it, save it. Drafts survive switching documents. */
export function SpecKitTab() {
  const { api, client } = useServices()
  const [docs, setDocs] = useState<SpecDocRow[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [drafts, setDrafts] = useState<Record<string, string>>({})
  const [reload, setReload] = useState(0)
  const [workspaceId, setWorkspaceId] = useState<string | null>(null)
  const { role } = useWorkspaceRole()
  const canEdit = typeof role === 'string' && roleAtLeast(role, 'operator')
  const proposals = useSpecProposals(workspaceId)

  useEffect(() => {
    let stopped = false
    setError(null)
    Promise.all([api.listSpecDocs(), api.currentWorkspaceId()]).then(
      ([rows, workspace]) => {
        if (stopped) return
        setDocs(rows)
        setWorkspaceId(workspace)
        const requested = takeRequestedSpecDoc()
        setSelected(
          (current) =>
            rows.find((row) => row.id === requested)?.slug ?? current ?? rows.find((row) => row.archived_at === null)?.slug ?? null,
        )
      },
      (caught: unknown) => !stopped && setError(errorMessage(caught)),
    )
    return () => {
      stopped = true
    }
  }, [api, reload])

  const doc = docs?.find((candidate) => candidate.slug === selected) ?? null
  const replace = (saved: SpecDocRow) => setDocs((current) => (current ?? []).map((row) => (row.slug === saved.slug ? saved : row)))

  return (
    <div class={styles.tab}>
      <SpecDocTabs
        docs={docs ?? []}
        selected={selected}
        onSelect={setSelected}
        dirty={
          new Set((docs ?? []).filter((row) => drafts[row.slug] !== undefined && drafts[row.slug] !== row.content).map((row) => row.slug))
        }
        canEdit={canEdit}
        onCreate={async (kind, title) => {
          const made = await createSpecDoc(client, workspaceId ?? (await api.currentWorkspaceId()), kind, title)
          setDocs((current) => [...(current ?? []), made])
          setSelected(made.slug)
        }}
        onRename={async (row, title) => replace(await renameSpecDoc(client, row.id, title))}
        onArchive={async (row, archived) => replace(await archiveSpecDoc(client, row.id, archived))}
      />
      {error === null ? null : (
        <div class={styles.error} role="alert">
          <span>{error}</span>
          <Button secondary onClick={() => setReload(reload + 1)}>
            Retry
          </Button>
        </div>
      )}
      {docs === null && error === null ? <p class={styles.empty}>Loading the documents…</p> : null}
      {docs !== null && docs.length === 0 ? (
        <p class={styles.empty}>No Spec Kit documents. The migration seeds four; is it applied?</p>
      ) : null}
      {doc === null ? null : (
        <SpecProposals
          doc={doc}
          proposals={proposals.list.filter((proposal) => proposal.doc_id === doc.id)}
          canDecide={canEdit}
          discussionOf={(proposal) => <ProposalDiscussion doc={doc} proposalId={proposal.id} />}
          onDecided={() => {
            proposals.refresh()
            setReload(reload + 1)
          }}
        />
      )}
      {doc === null ? null : (
        <SpecDocEditor
          key={doc.slug}
          doc={doc}
          draft={drafts[doc.slug] ?? doc.content}
          onDraftChange={(draft) => setDrafts((current) => ({ ...current, [doc.slug]: draft }))}
          onSaved={replace}
        />
      )}
      {doc === null ? null : <SpecBoardPanel key={doc.slug} doc={doc} />}
    </div>
  )
}
