/**
 * Changes that runs' `spec` steps propose to Spec Kit documents: the open ones of a workspace,
 * applying (a new revision, by the person, credited to the run) or dismissing one, and hearing
 * about new and decided ones live on the workspace's private Spec Kit topic (event `proposal`).
 */
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/realtime-js'
import { postgrestError } from './errors.ts'
import { isObject } from './shared-channel.ts'
import { joinSpecChannel } from './spec-channel.ts'
import type { OpsClient } from './supabase.ts'
import type { SpecProposalRow } from '../../supabase/functions/_shared/database/index.ts'

export type { SpecProposalRow }

/** The workspace's open proposals, oldest first. */
export async function listOpenProposals(client: OpsClient, workspaceId: string): Promise<SpecProposalRow[]> {
  const { data, error, status } = await client
    .from('spec_proposals')
    .select('*')
    .eq('workspace_id', workspaceId)
    .eq('status', 'open')
    .order('created_at')
  if (error) throw postgrestError('Could not load the proposed changes', error, status)
  return data
}

/** The proposal a run's spec step opened, or null (a run from before proposals, or not a spec step). */
export async function proposalOfStep(client: OpsClient, runId: string, stepId: string): Promise<SpecProposalRow | null> {
  const { data, error, status } = await client.from('spec_proposals').select('*').eq('run_id', runId).eq('step_id', stepId).maybeSingle()
  if (error) throw postgrestError('Could not load the proposed change', error, status)
  return data
}

export async function applySpecProposal(client: OpsClient, proposalId: string): Promise<SpecProposalRow> {
  const { data, error, status } = await client.rpc('apply_spec_proposal', { p_id: proposalId })
  if (error) throw postgrestError('Could not apply the proposed change', error, status)
  return data
}

export async function dismissSpecProposal(client: OpsClient, proposalId: string): Promise<SpecProposalRow> {
  const { data, error, status } = await client.rpc('dismiss_spec_proposal', { p_id: proposalId })
  if (error) throw postgrestError('Could not dismiss the proposed change', error, status)
  return data
}

/**
 * Calls `onChange` with the document's id whenever a proposal of the workspace is made, applied or
 * dismissed, and with null once the channel is up (load then, so nothing sent before is missed).
 * Returns the function that stops listening.
 */
export function subscribeSpecProposals(client: OpsClient, workspaceId: string, onChange: (docId: string | null) => void): () => void {
  const leave = joinSpecChannel(client, workspaceId, {
    status: (status) => {
      if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) onChange(null)
    },
    message: (event, payload) => {
      const docId = isObject(payload) ? payload.doc_id : undefined
      if (event === 'proposal' && typeof docId === 'string') onChange(docId)
    },
  })
  return () => void leave()
}
