/**
 * The permission matrix of the team model: every actor against every table of workspace W and
 * every operation, then every user function. The expected outcomes are written as tables below —
 * the same tables the README shows — and each cell is one attempt, rolled back, so the cells share
 * one fixture and do not depend on each other.
 *
 * Outcomes of a table operation:
 *   W    reads W's rows and none of the other workspace's
 *   all  reads every workspace's rows
 *   ok   the write goes through (a row is written, changed or removed)
 *   no   refused: 42501, or (where row-level security filters) not a single row of W touched or seen
 * Outcomes of a function: ok / no (42501) / hidden (PT404: to an outsider the run does not exist) / true / false (its
 * boolean answer); '' = not part of the contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { attempt } from '../support/actors.ts'
import { ACTORS, addEvent, createTeamFixture, parkAtGate, saveTemplate, startRun, templateYaml, type Team } from '../support/teams.ts'
import { ENVIRONMENT_GATE_STEP } from '../../supabase/functions/_shared/vocabulary/index.ts'

type Table =
  | 'runs'
  | 'run_events'
  | 'artifacts'
  | 'run_templates'
  | 'template_revisions'
  | 'spec_docs'
  | 'spec_doc_revisions'
  | 'workspaces'
  | 'workspace_members'
  | 'workspace_invites'
  | 'environments'
  | 'run_approvals'
  | 'secret_bindings'
  | 'run_secret_inputs'
  | 'audit_log'
  | 'deployment_settings'
  | 'queue_turns'
type Op = 'select' | 'insert' | 'update' | 'delete'
type Outcome = 'W' | 'all' | 'ok' | 'no'
type Row = [Table, Op, ...Outcome[]]

// prettier-ignore
const tableMatrix: Row[] = [
  //  table                  op        outsider viewer operator approver admin  anon  service_role
  ['runs',                 'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  ['runs',                 'insert',   'no',    'no',  'ok',    'ok',    'ok',  'no', 'ok'],
  ['runs',                 'update',   'no',    'no',  'ok',    'ok',    'ok',  'no', 'ok'],
  // A finished run is removed by its starter (the operator started it) or an admin.
  ['runs',                 'delete',   'no',    'no',  'ok',    'no',    'ok',  'no', 'ok'],
  ['run_events',           'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  ['run_events',           'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['run_events',           'update',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['run_events',           'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['artifacts',            'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  ['artifacts',            'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['artifacts',            'update',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['artifacts',            'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['run_templates',        'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  ['run_templates',        'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['run_templates',        'update',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['run_templates',        'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['template_revisions',   'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  // Revisions are written by ops.save_template only: the executor trusts them.
  ['template_revisions',   'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['template_revisions',   'update',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['template_revisions',   'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['spec_docs',            'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  ['spec_docs',            'insert',   'no',    'no',  'ok',    'ok',    'ok',  'no', 'ok'],
  ['spec_docs',            'update',   'no',    'no',  'ok',    'ok',    'ok',  'no', 'ok'],
  ['spec_docs',            'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['spec_doc_revisions',   'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  ['spec_doc_revisions',   'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['spec_doc_revisions',   'update',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['spec_doc_revisions',   'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['workspaces',           'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  ['workspaces',           'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['workspaces',           'update',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  // A workspace keeps its audit trail, which nobody deletes, so the workspace stays too.
  ['workspaces',           'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['workspace_members',    'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  ['workspace_members',    'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['workspace_members',    'update',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['workspace_members',    'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['workspace_invites',    'select',   'no',    'no',  'no',    'no',    'W',   'no', 'all'],
  ['workspace_invites',    'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['workspace_invites',    'update',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['workspace_invites',    'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['environments',         'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  ['environments',         'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['environments',         'update',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['environments',         'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['run_approvals',        'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  ['run_approvals',        'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['run_approvals',        'update',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['run_approvals',        'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['secret_bindings',      'select',   'no',    'no',  'no',    'no',    'W',   'no', 'all'],
  ['secret_bindings',      'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['secret_bindings',      'update',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['secret_bindings',      'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  // Secret-typed input values: the executor reads them; only ops.runs' insert trigger writes them.
  ['run_secret_inputs',    'select',   'no',    'no',  'no',    'no',    'no',  'no', 'all'],
  ['run_secret_inputs',    'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['run_secret_inputs',    'update',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['run_secret_inputs',    'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['audit_log',            'select',   'no',    'W',   'W',     'W',     'W',   'no', 'all'],
  // Entries are written only by the functions whose actions they record.
  ['audit_log',            'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['audit_log',            'update',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['audit_log',            'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['deployment_settings',  'select',   'W',     'W',   'W',     'W',     'W',   'no', 'all'],
  // One row, made by the migration: changed, never added or removed.
  ['deployment_settings',  'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['deployment_settings',  'update',   'no',    'no',  'no',    'no',    'no',  'no', 'ok'],
  ['deployment_settings',  'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  // Written only by ops.claim_run and the run insert trigger; the deployer may look.
  ['queue_turns',          'select',   'no',    'no',  'no',    'no',    'no',  'no', 'all'],
  ['queue_turns',          'insert',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['queue_turns',          'update',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
  ['queue_turns',          'delete',   'no',    'no',  'no',    'no',    'no',  'no', 'no'],
]

type FunctionOutcome = 'ok' | 'no' | 'hidden' | 'true' | 'false' | ''
type FunctionRow = [string, ...FunctionOutcome[]]

// prettier-ignore
const functionMatrix: FunctionRow[] = [
  //  call                                                     outsider viewer  operator approver admin   anon  service_role
  ["create_workspace('New team')",                             'ok',    'ok',   'ok',    'ok',    'ok',   'no', ''],
  ['ensure_personal_workspace()',                              'ok',    'ok',   'ok',    'ok',    'ok',   'no', ''],
  ["has_role('{W}', 'viewer')",                                'false', 'true', 'true',  'true',  'true', 'no', ''],
  ["has_role('{W}', 'approver')",                              'false', 'false','false', 'true',  'true', 'no', ''],
  ["create_invite('{W}', 'viewer')",                           'no',    'no',   'no',    'no',    'ok',   'no', ''],
  ["revoke_invite('{wInvite}')",                               'no',    'no',   'no',    'no',    'ok',   'no', ''],
  ["set_member_role('{W}', '{viewer}', 'operator')",           'no',    'no',   'no',    'no',    'ok',   'no', ''],
  ["remove_member('{W}', '{viewer}')",                         'no',    'ok',   'no',    'no',    'ok',   'no', ''],
  ["save_template('{W}', 'new-runbook', '{yaml}', null, 'New')", 'no',  'no',   'no',    'no',    'ok',   'no', ''],
  ["save_template('{W}', 'w-deploy', '{yaml}', 1, 'Edited')",  'no',    'no',   'no',    'no',    'ok',   'no', ''],
  ["delete_template('{W}', 'w-deploy', 1)",                    'no',    'no',   'no',    'no',    'ok',   'no', ''],
  ["set_environment('{W}', 'staging', true)",                  'no',    'no',   'no',    'no',    'ok',   'no', ''],
  ["set_board_details('{W}', true)",                           'no',    'no',   'no',    'no',    'ok',   'no', ''],
  ["save_spec_doc('{W}', 'w/notes', 'edited', 2)",             'no',    'no',   'ok',    'ok',    'ok',   'no', ''],
  ["request_cancel('{wRun}')",                                 'hidden','no',   'ok',    'ok',    'ok',   'no', ''],
  ["decide_approval('{wWaiting}', true)",                      'hidden','no',   'no',    'ok',    'ok',   'no', ''],
  ["decide_approval('{wWaiting}', false)",                     'hidden','no',   'no',    'ok',    'ok',   'no', ''],
  ["may_execute_run('{wRun}')",                                'false', 'false','true',  'true',  'true', 'no', ''],
  ["bind_secret('NEW_TOKEN', '{W}', array['api.example.com'])", 'no',   'no',   'no',    'no',    'no',   'no', 'ok'],
  ["unbind_secret('W_TOKEN', '{W}')",                          'no',    'no',   'no',    'no',    'no',   'no', 'ok'],
  ["name_shared_admin('{viewer}')",                            'no',    'no',   'no',    'no',    'no',   'no', 'ok'],
  ['set_anonymous_workspaces(true)',                           'no',    'no',   'no',    'no',    'no',   'no', 'ok'],
  ["erase_run_inputs('{wRun}', 'test-executor', array['env'])", 'no',   'no',   'no',    'no',    'no',   'no', ''],
  // The queue limits are the deployment's: no workspace admin raises their own.
  ['set_queue_limits(100, 100)',                               'no',    'no',   'no',    'no',    'no',   'no', 'ok'],
  ['has_claimable_run()',                                      'no',    'no',   'no',    'no',    'no',   'no', 'true'],
  ["why_not_claimable('{wWaiting}')",                          'no',    'no',   'no',    'no',    'no',   'no', 'ok'],
]

/** What each table's select returns as `label`, so "W's rows" and "the other workspace's rows" can be told apart. */
const selects: Record<Table, string> = {
  runs: 'select workspace_id::text as label from ops.runs',
  run_events: 'select message as label from ops.run_events',
  artifacts: 'select title as label from ops.artifacts',
  run_templates: 'select workspace_id::text as label from ops.run_templates',
  template_revisions: 'select workspace_id::text as label from ops.template_revisions',
  spec_docs: 'select workspace_id::text as label from ops.spec_docs',
  spec_doc_revisions: 'select title as label from ops.spec_doc_revisions',
  workspaces: 'select id::text as label from ops.workspaces',
  workspace_members: 'select workspace_id::text as label from ops.workspace_members',
  workspace_invites: 'select workspace_id::text as label from ops.workspace_invites',
  environments: 'select workspace_id::text as label from ops.environments',
  run_approvals: 'select comment as label from ops.run_approvals',
  secret_bindings: 'select workspace_id::text as label from ops.secret_bindings',
  run_secret_inputs: "select inputs->>'label' as label from ops.run_secret_inputs",
  audit_log: 'select workspace_id::text as label from ops.audit_log',
  deployment_settings: "select 'settings' as label from ops.deployment_settings",
  queue_turns: 'select workspace_id::text as label from ops.queue_turns',
}

/** The labels of W's rows and of the other workspace's rows; {W} and {Other} are the workspace ids. */
const labels: Record<Table, { W: string; Other?: string }> = {
  runs: { W: '{W}', Other: '{Other}' },
  run_events: { W: 'W event', Other: 'Other event' },
  artifacts: { W: 'W artifact', Other: 'Other artifact' },
  run_templates: { W: '{W}', Other: '{Other}' },
  template_revisions: { W: '{W}', Other: '{Other}' },
  spec_docs: { W: '{W}', Other: '{Other}' },
  spec_doc_revisions: { W: 'W notes', Other: 'Other notes' },
  workspaces: { W: '{W}', Other: '{Other}' },
  workspace_members: { W: '{W}', Other: '{Other}' },
  workspace_invites: { W: '{W}', Other: '{Other}' },
  environments: { W: '{W}', Other: '{Other}' },
  run_approvals: { W: 'W approval', Other: 'Other approval' },
  secret_bindings: { W: '{W}', Other: '{Other}' },
  run_secret_inputs: { W: 'W secret', Other: 'Other secret' },
  audit_log: { W: '{W}', Other: '{Other}' },
  deployment_settings: { W: 'settings' },
  queue_turns: { W: '{W}', Other: '{Other}' },
}

/** One write per table and operation, aimed at W's rows. A service-role insert names the user it acts for. */
const writes: Record<Table, Record<Exclude<Op, 'select'>, string>> = {
  runs: {
    insert: "insert into ops.runs (workspace_id, created_by, title) values ('{W}', coalesce(auth.uid(), '{operator}'), 'new run')",
    update: "update ops.runs set title = 'renamed' where id = '{wRun}'",
    delete: "delete from ops.runs where id = '{wDone}'",
  },
  run_events: {
    insert: "insert into ops.run_events (run_id, seq, message) values ('{wRun}', 99, 'forged')",
    update: "update ops.run_events set message = 'edited' where run_id = '{wRun}'",
    delete: "delete from ops.run_events where run_id = '{wRun}'",
  },
  artifacts: {
    insert: "insert into ops.artifacts (run_id, kind, title, url) values ('{wRun}', 'link', 'forged', 'https://example.com')",
    update: "update ops.artifacts set title = 'edited' where run_id = '{wRun}'",
    delete: "delete from ops.artifacts where run_id = '{wRun}'",
  },
  run_templates: {
    insert:
      "insert into ops.run_templates (workspace_id, slug, title, kind, template_yaml) values ('{W}', 'forged', 'Forged', 'custom', 'version: 1')",
    update: "update ops.run_templates set template_yaml = 'poisoned' where workspace_id = '{W}'",
    delete: "delete from ops.run_templates where workspace_id = '{W}'",
  },
  template_revisions: {
    insert: `insert into ops.template_revisions (template_id, workspace_id, slug, revision, title, description, kind, template_yaml, hash, saved_by)
             values ('{wTemplate}', '{W}', 'w-deploy', 99, 'Forged', '', 'custom', 'forged',
                     encode(sha256(convert_to('forged', 'UTF8')), 'hex'), coalesce(auth.uid(), '{admin}'))`,
    update: "update ops.template_revisions set template_yaml = 'poisoned' where workspace_id = '{W}'",
    delete: "delete from ops.template_revisions where workspace_id = '{W}'",
  },
  spec_docs: {
    insert: "insert into ops.spec_docs (workspace_id, slug, title, content) values ('{W}', 'w/new', 'new.md', '# New')",
    update: "update ops.spec_docs set content = 'edited' where id = '{wDoc}'",
    delete: "delete from ops.spec_docs where id = '{wDoc}'",
  },
  spec_doc_revisions: {
    insert:
      "insert into ops.spec_doc_revisions (doc_id, version, title, content, saved_at) values ('{wDoc}', 99, 'forged', 'forged', now())",
    update: "update ops.spec_doc_revisions set content = 'x' where doc_id = '{wDoc}'",
    delete: "delete from ops.spec_doc_revisions where doc_id = '{wDoc}'",
  },
  workspaces: {
    insert: "insert into ops.workspaces (name, created_by) values ('Forged', coalesce(auth.uid(), '{admin}'))",
    update: "update ops.workspaces set board_details = true, name = 'Renamed' where id = '{W}'",
    delete: "delete from ops.workspaces where id = '{W}'",
  },
  workspace_members: {
    insert:
      "insert into ops.workspace_members (workspace_id, user_id, role, display_name) values ('{W}', '{outsider}', 'admin', 'intruder')",
    update: "update ops.workspace_members set role = 'admin' where workspace_id = '{W}' and user_id = '{viewer}'",
    delete: "delete from ops.workspace_members where workspace_id = '{W}' and user_id = '{operator}'",
  },
  workspace_invites: {
    insert: `insert into ops.workspace_invites (workspace_id, code_hash, role, expires_at, created_by)
             values ('{W}', repeat('0', 64), 'admin', now() + interval '1 day', coalesce(auth.uid(), '{admin}'))`,
    update: "update ops.workspace_invites set role = 'admin' where workspace_id = '{W}'",
    delete: "delete from ops.workspace_invites where workspace_id = '{W}'",
  },
  environments: {
    insert: "insert into ops.environments (workspace_id, name, protected) values ('{W}', 'staging', true)",
    update: "update ops.environments set protected = false where workspace_id = '{W}' and name = 'production'",
    delete: "delete from ops.environments where workspace_id = '{W}'",
  },
  run_approvals: {
    insert: `insert into ops.run_approvals (run_id, step_id, decided_by, decision)
             values ('{wWaiting}', '${ENVIRONMENT_GATE_STEP}', coalesce(auth.uid(), '{approver}'), 'approved')`,
    update: "update ops.run_approvals set decision = 'rejected' where run_id = '{wDone}'",
    delete: "delete from ops.run_approvals where run_id = '{wDone}'",
  },
  secret_bindings: {
    insert: "insert into ops.secret_bindings (name, workspace_id, hosts) values ('FORGED', '{W}', array['evil.example'])",
    update: "update ops.secret_bindings set hosts = array['evil.example'] where workspace_id = '{W}'",
    delete: "delete from ops.secret_bindings where workspace_id = '{W}'",
  },
  run_secret_inputs: {
    insert: `insert into ops.run_secret_inputs (run_id, inputs) values ('{wWaiting}', '{"label": "forged"}')`,
    update: `update ops.run_secret_inputs set inputs = '{"label": "forged"}' where run_id = '{wRun}'`,
    delete: "delete from ops.run_secret_inputs where run_id = '{wRun}'",
  },
  audit_log: {
    insert:
      "insert into ops.audit_log (workspace_id, actor, action, target) values ('{W}', coalesce(auth.uid(), '{admin}'), 'template.save', 'forged')",
    update: "update ops.audit_log set action = 'template.delete' where workspace_id = '{W}'",
    delete: "delete from ops.audit_log where workspace_id = '{W}'",
  },
  deployment_settings: {
    insert: `insert into ops.deployment_settings (id) values (true)
             on conflict (id) do update set anonymous_may_create_workspaces = excluded.anonymous_may_create_workspaces`,
    update: 'update ops.deployment_settings set anonymous_may_create_workspaces = not anonymous_may_create_workspaces',
    delete: 'delete from ops.deployment_settings',
  },
  queue_turns: {
    insert: "insert into ops.queue_turns (workspace_id, started_by, served_at) values ('{W}', '{viewer}', now())",
    update: "update ops.queue_turns set served_at = null where workspace_id = '{W}'",
    delete: "delete from ops.queue_turns where workspace_id = '{W}'",
  },
}

interface Fixture {
  team: Team
  /** Placeholder → value for the SQL above. */
  values: Record<string, string>
}

async function buildFixture(test: TestDatabase): Promise<Fixture> {
  const db = test.db
  const team = await createTeamFixture(db)
  const { users, workspace: W, other: Other } = team
  const wTemplate = await saveTemplate(team, 'admin', W, 'w-deploy', templateYaml('W deploy'))
  await saveTemplate(team, 'outsider', Other, 'o-deploy', templateYaml('Other deploy'))

  const wRun = await startRun(db, W, users.operator, { title: 'W run', templateSlug: 'w-deploy' })
  const wDone = await startRun(db, W, users.operator, { title: 'W done', status: 'success' })
  const wWaiting = await startRun(db, W, users.operator, { title: 'W waiting', env: 'production' })
  await parkAtGate(db, wWaiting)
  const oRun = await startRun(db, Other, users.outsider, { title: 'Other run' })
  const oDone = await startRun(db, Other, users.outsider, { title: 'Other done', status: 'success' })

  for (const [run, done, name] of [
    [wRun, wDone, 'W'],
    [oRun, oDone, 'Other'],
  ] as const) {
    await addEvent(db, run, `${name} event`)
    await db.query("insert into ops.run_secret_inputs (run_id, inputs) values ($1, jsonb_build_object('label', $2::text))", [
      run,
      `${name} secret`,
    ])
    await db.query("insert into ops.artifacts (run_id, kind, title, url) values ($1, 'link', $2, 'https://example.com')", [
      run,
      `${name} artifact`,
    ])
    await db.query("insert into ops.run_approvals (run_id, step_id, decided_by, decision, comment) values ($1, $2, $3, 'approved', $4)", [
      done,
      ENVIRONMENT_GATE_STEP,
      name === 'W' ? users.approver : users.outsider,
      `${name} approval`,
    ])
  }

  const docs: Record<string, string> = {}
  for (const [workspace, slug, title] of [
    [W, 'w/notes', 'W notes'],
    [Other, 'o/notes', 'Other notes'],
  ] as const) {
    const { rows } = await db.query<{ id: string }>(
      "insert into ops.spec_docs (workspace_id, slug, title, content) values ($1, $2, $3, 'first') returning id",
      [workspace, slug, title],
    )
    // An edit, so the document has a revision.
    await db.query("update ops.spec_docs set content = 'second' where id = $1", [rows[0].id])
    docs[slug] = rows[0].id
  }

  const [wInvite] = await team.as<{ id: string }>('admin', "select id from ops.create_invite($1, 'viewer')", [W])
  await team.as('outsider', "select id from ops.create_invite($1, 'viewer')", [Other])
  await team.as('service_role', "select id from ops.bind_secret('W_TOKEN', $1, array['api.example.com'])", [W])
  await team.as('service_role', "select id from ops.bind_secret('O_TOKEN', $1, array['api.example.com'])", [Other])

  return {
    team,
    values: {
      W,
      Other,
      ...users,
      wTemplate: wTemplate.id,
      wRun,
      wDone,
      wWaiting,
      wDoc: docs['w/notes'],
      wInvite: wInvite.id,
      yaml: templateYaml('Edited'),
    },
  }
}

describe.each(engines)('team permissions on %s', (engine) => {
  let test: TestDatabase
  let fixture: Fixture

  beforeAll(async () => {
    test = await migratedDatabase(engine)
    fixture = await buildFixture(test)
    // A workspace of every kind of row, built through the functions: slow on a busy machine.
  }, 180_000)
  afterAll(() => test.drop())

  const fill = (sql: string) =>
    sql.replace(/\{(\w+)\}/g, (whole, key: string) => {
      const value = fixture.values[key]
      if (value === undefined) throw new Error(`no fixture value for ${whole}`)
      return value
    })

  const tableCells = tableMatrix.flatMap(([table, op, ...outcomes]) =>
    ACTORS.map((actor, i) => [`${actor} ${op} ${table}: ${outcomes[i]}`, { table, op, actor, outcome: outcomes[i] }] as const),
  )

  it.each(tableCells)('%s', async (_, { table, op, actor, outcome }) => {
    const claims = fixture.team.claims(actor)
    if (op === 'select') {
      const result = await attempt(test.db, claims, selects[table])
      const own = fill(labels[table].W)
      const other = labels[table].Other && fill(labels[table].Other)
      const seen = result.ok ? new Set(result.rows.map((row) => String(row.label))) : new Set<string>()
      const picture = result.ok ? { W: seen.has(own), Other: other ? seen.has(other) : undefined } : result.code
      if (outcome === 'no') {
        expect(result.ok ? { W: seen.has(own) } : result.code).toEqual(result.ok ? { W: false } : '42501')
      } else if (outcome === 'W') {
        expect(picture).toEqual({ W: true, Other: other ? false : undefined })
      } else {
        expect(picture).toEqual({ W: true, Other: other ? true : undefined })
      }
      return
    }
    const result = await attempt(test.db, claims, `${fill(writes[table][op])} returning 1`)
    if (outcome === 'ok') {
      expect(result.ok ? result.rows.length > 0 : `refused ${result.code}: ${result.message}`).toBe(true)
    } else {
      expect(result.ok ? `${result.rows.length} rows` : result.code).toMatch(/^(42501|0 rows)$/)
    }
  })

  const functionCells = functionMatrix.flatMap(([call, ...outcomes]) =>
    ACTORS.flatMap((actor, i) =>
      outcomes[i] ? [[`${actor} calls ${call}: ${outcomes[i]}`, { call, actor, outcome: outcomes[i] }] as const] : [],
    ),
  )

  it.each(functionCells)('%s', async (_, { call, actor, outcome }) => {
    const result = await attempt(test.db, fixture.team.claims(actor), `select ops.${fill(call)} as value`)
    if (outcome === 'no') {
      expect(result.ok ? 'allowed' : result.code).toBe('42501')
    } else if (outcome === 'hidden') {
      expect(result.ok ? 'allowed' : result.code).toBe('PT404')
    } else if (outcome === 'ok') {
      expect(result.ok ? 'allowed' : `refused ${result.code}: ${result.message}`).toBe('allowed')
    } else {
      expect(result.ok ? String(result.rows[0].value) : `refused ${result.code}: ${result.message}`).toBe(outcome)
    }
  })

  it('covers every table of the contract with all four operations', () => {
    const covered = new Set(tableMatrix.map(([table, op]) => `${table}.${op}`))
    for (const table of Object.keys(selects)) {
      for (const op of ['select', 'insert', 'update', 'delete']) expect(covered).toContain(`${table}.${op}`)
    }
    expect(tableMatrix.every((row) => row.length === 2 + ACTORS.length)).toBe(true)
    expect(functionMatrix.every((row) => row.length === 1 + ACTORS.length)).toBe(true)
  })
})
