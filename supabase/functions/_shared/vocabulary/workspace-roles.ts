/**
 * A member's role in a workspace, weakest first, as the database allows them
 * (ops.workspace_members' role check). Each role may do everything the ones before it may:
 * viewer reads, operator starts and cancels runs, approver decides approvals, admin manages.
 */
export const WORKSPACE_ROLES = ['viewer', 'operator', 'approver', 'admin'] as const
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number]

/** Whether `role` may do what `min` may (unknown roles may nothing). */
export function roleAtLeast(role: string | null | undefined, min: WorkspaceRole): boolean {
  const rank = (WORKSPACE_ROLES as readonly (string | null | undefined)[]).indexOf(role)
  return rank >= 0 && rank >= WORKSPACE_ROLES.indexOf(min)
}

/** How each role is named to people. */
export const ROLE_LABELS: Readonly<Record<WorkspaceRole, string>> = {
  viewer: 'Viewer',
  operator: 'Operator',
  approver: 'Approver',
  admin: 'Admin',
}
