/**
 * Adding, renaming and archiving Spec Kit documents: one SQL function each (operators and up in
 * the document's workspace; the database refuses anyone else with a sentence that says why).
 */
import type { SpecDocKind } from '../../supabase/functions/_shared/vocabulary/spec-documents.ts'
import { postgrestError } from './errors.ts'
import type { OpsClient } from './supabase.ts'
import type { SpecDocRow } from './types.ts'

/** A new document of `workspaceId` from the template of `kind` ('other' is blank), titled `title`. */
export async function createSpecDoc(client: OpsClient, workspaceId: string, kind: SpecDocKind, title: string): Promise<SpecDocRow> {
  const { data, error, status } = await client.rpc('create_spec_doc', { p_workspace_id: workspaceId, p_kind: kind, p_title: title })
  if (error) throw postgrestError('Could not add the document', error, status)
  return data
}

export async function renameSpecDoc(client: OpsClient, docId: string, title: string): Promise<SpecDocRow> {
  const { data, error, status } = await client.rpc('rename_spec_doc', { p_doc_id: docId, p_title: title })
  if (error) throw postgrestError('Could not rename the document', error, status)
  return data
}

/** Archives the document, or restores it (`archived` false); its text and history stay either way. */
export async function archiveSpecDoc(client: OpsClient, docId: string, archived: boolean): Promise<SpecDocRow> {
  const { data, error, status } = await client.rpc('archive_spec_doc', { p_doc_id: docId, p_archived: archived })
  if (error) throw postgrestError(archived ? 'Could not archive the document' : 'Could not restore the document', error, status)
  return data
}
