/**
 * Routes a batch of changes to the subscribers allowed to see them, the way real Realtime's
 * `apply_rls` does, but batched:
 * 1. keep the changes some binding wants (event, schema, table), drop the rest unread;
 * 2. fetch rows that were too big for NOTIFY, one query per table, as the superuser;
 * 3. apply each binding's filter to the row in JS (no query for rows a filter rejects);
 * 4. check row-level security once per (claims, table): every candidate key of the batch goes in
 *    one read-only query run as the subscriber's role with its JWT claims, so 200 events for 10
 *    subscribers of one user cost one query, not 2,000;
 * 5. send in the batch's order, so each socket sees changes in commit order, yielding to the
 *    event loop every few hundred KiB so that sockets drain during a large batch.
 * DELETEs skip the RLS check (the row is gone) and carry only the key, as in real Realtime; so do
 * changes of tables without RLS, where the role's SELECT privilege decides alone.
 * Before all that, one query per batch checks that the signed-in users' tokens of the interested
 * subscribers still have their user and session (local_auth.token_problem); a channel whose
 * token does not is closed with the reason and gets nothing more. Hosted Realtime does not check
 * this (a token there holds until its exp).
 */
import { isApiRole, type Database, type JwtClaims } from '../db/database.ts'
import { tokenProblems } from '../auth/live-tokens.ts'
import type { Binding } from './binding.ts'
import { passesFilter, wantsTable } from './binding.ts'
import type { Catalog, TableInfo } from './catalog.ts'
import type { Change } from './change.ts'
import { changeData } from './payload.ts'
import type { KeyLookup } from './rows.ts'
import { fetchRows, visibleKeys } from './rows.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

/** A joined channel as the dispatcher sees it. */
export interface Subscriber {
  readonly bindings: readonly Binding[]
  readonly claims: JwtClaims
  readonly claimsKey: string
  /** False once the channel left, was closed or its socket went away. */
  isActive(): boolean
  /** Sends one postgres_changes message with these binding ids and `data` JSON. */
  deliver(ids: number[], dataJson: string): void
  /** Closes the channel with this reason: its token no longer holds. */
  revoke(why: string): void
}

interface Candidate {
  change: number
  subscriber: Subscriber
  group: string
  bindings: Binding[]
  /** Whether the row must pass the group's RLS query (false: DELETE, or a table without RLS). */
  checked: boolean
}

interface Group {
  claims: JwtClaims
  info: TableInfo
  lookups: KeyLookup[]
  visible: Set<number>
}

/** Bytes of payload written between two yields to the event loop. */
const YIELD_EVERY_BYTES = 512 * 1024

const tableKey = (schema: string, table: string) => `${schema}\u0000${table}`

export class Dispatcher {
  constructor(
    private readonly db: Database,
    private readonly catalog: Catalog,
    private readonly subscribers: () => Iterable<Subscriber>,
    private readonly warn: (message: string) => void,
  ) {}

  async dispatch(changes: Change[]): Promise<void> {
    const active = [...this.subscribers()].filter((s) => s.isActive())
    if (active.length === 0) return
    const wanted = changes.filter((change) =>
      active.some((s) => s.bindings.some((b) => wantsTable(b, change.schema, change.table, change.type))),
    )
    if (wanted.length === 0) return
    const subscribers = await this.signedIn(
      active.filter((s) => wanted.some((change) => s.bindings.some((b) => wantsTable(b, change.schema, change.table, change.type)))),
    )
    if (subscribers.length === 0) return

    const infos = await this.tableInfos(wanted)
    await this.fillTruncated(wanted, infos)
    await this.refreshChangedTables(wanted, infos)

    const candidates: Candidate[] = []
    const groups = new Map<string, Group>()
    wanted.forEach((change, index) => {
      const info = infos.get(tableKey(change.schema, change.table))
      if (!info) return
      // A truncated row that was gone by the time it was fetched cannot be shown to anyone.
      if (change.type !== 'DELETE' && !change.record) return
      for (const subscriber of subscribers) {
        const { role } = subscriber.claims
        if (!isApiRole(role) || !info.selectable[role]) continue
        const bindings = subscriber.bindings.filter(
          (b) => wantsTable(b, change.schema, change.table, change.type) && passesFilter(b, change.type, change.record, change.key),
        )
        if (bindings.length === 0) continue
        const group = `${subscriber.claimsKey}\u0000${tableKey(change.schema, change.table)}`
        // Without RLS on the table, the SELECT privilege checked above is all there is to check.
        const checked = change.type !== 'DELETE' && info.rowSecurity
        candidates.push({ change: index, subscriber, group, bindings, checked })
        if (!checked) continue
        let entry = groups.get(group)
        if (!entry) {
          entry = { claims: subscriber.claims, info, lookups: [], visible: new Set() }
          groups.set(group, entry)
        }
        const last = entry.lookups[entry.lookups.length - 1]
        if (last?.index !== index) entry.lookups.push({ index, key: change.key })
      }
    })
    if (candidates.length === 0) return

    await Promise.all(
      [...groups.values()].map(async (group) => {
        try {
          group.visible = await visibleKeys(this.db, group.claims, group.info, group.lookups)
        } catch (error) {
          // Fail closed: a subscriber whose check failed sees nothing of this batch.
          this.warn(`RLS check on ${group.info.schema}.${group.info.table} failed: ${errorMessage(error)}`)
        }
      }),
    )

    // Payloads are built once per change and shape, and dropped as soon as the change is sent.
    let dataOf = -1
    let data = new Map<string, string>()
    let sinceYield = 0
    for (const candidate of candidates) {
      // Let sockets drain between slices of a large batch: a client that keeps up is never
      // cut off for a burst it had no chance to read, while one that stalls still hits its limit.
      if (sinceYield >= YIELD_EVERY_BYTES) {
        sinceYield = 0
        await new Promise((resolve) => setImmediate(resolve))
      }
      if (!candidate.subscriber.isActive()) continue
      const change = wanted[candidate.change]
      if (candidate.checked && !groups.get(candidate.group)?.visible.has(candidate.change)) continue
      const info = infos.get(tableKey(change.schema, change.table))!
      if (dataOf !== candidate.change) {
        dataOf = candidate.change
        data = new Map()
      }
      // Bindings with different `select` lists get differently shaped payloads.
      const bySelect = new Map<string, { select?: string[]; ids: number[] }>()
      for (const binding of candidate.bindings) {
        const key = binding.select ? JSON.stringify(binding.select) : ''
        const entry = bySelect.get(key) ?? { select: binding.select, ids: [] }
        if (!entry.ids.includes(binding.id)) entry.ids.push(binding.id)
        bySelect.set(key, entry)
      }
      for (const [key, { select, ids }] of bySelect) {
        let json = data.get(key)
        if (json === undefined) {
          json = changeData(change, info, select)
          data.set(key, json)
        }
        candidate.subscriber.deliver(ids, json)
        sinceYield += json.length
      }
    }
  }

  /**
   * The subscribers whose token still has its user and session; the others are closed with the
   * reason. If the check itself fails, subscribers with a user's token get nothing of this batch.
   */
  private async signedIn(subscribers: Subscriber[]): Promise<Subscriber[]> {
    const keys = new Map<string, number>()
    const claims: JwtClaims[] = []
    for (const s of subscribers) {
      if (s.claims.sub === undefined || keys.has(s.claimsKey)) continue
      keys.set(s.claimsKey, claims.length)
      claims.push(s.claims)
    }
    if (claims.length === 0) return subscribers
    let ended: Map<number, string>
    try {
      ended = await tokenProblems(this.db, claims)
    } catch (error) {
      this.warn(`cannot check the subscribers' sessions: ${errorMessage(error)}`)
      return subscribers.filter((s) => s.claims.sub === undefined)
    }
    if (ended.size === 0) return subscribers
    return subscribers.filter((s) => {
      const index = keys.get(s.claimsKey)
      const problem = index === undefined ? undefined : ended.get(index)
      if (problem === undefined) return true
      s.revoke(`Invalid token: ${problem}`)
      return false
    })
  }

  private async tableInfos(changes: Change[]): Promise<Map<string, TableInfo | undefined>> {
    const infos = new Map<string, TableInfo | undefined>()
    const keys = new Map<string, Change>()
    for (const change of changes) keys.set(tableKey(change.schema, change.table), change)
    await Promise.all(
      [...keys].map(async ([key, change]) => {
        try {
          infos.set(key, await this.catalog.table(change.schema, change.table))
        } catch (error) {
          this.warn(`cannot read the catalog for ${change.schema}.${change.table}: ${errorMessage(error)}`)
        }
      }),
    )
    return infos
  }

  /**
   * A row with a column the cached catalog does not know means the table was altered while
   * subscribed: read it again so `columns` names every value.
   */
  private async refreshChangedTables(changes: Change[], infos: Map<string, TableInfo | undefined>): Promise<void> {
    const stale = new Set<string>()
    for (const change of changes) {
      const key = tableKey(change.schema, change.table)
      const info = infos.get(key)
      if (info && change.record && Object.keys(change.record).some((name) => !info.byName.has(name))) stale.add(key)
    }
    for (const key of stale) {
      const info = infos.get(key)!
      try {
        infos.set(key, await this.catalog.table(info.schema, info.table, true))
      } catch (error) {
        this.warn(`cannot re-read the catalog for ${info.schema}.${info.table}: ${errorMessage(error)}`)
      }
    }
  }

  /** Reads the rows NOTIFY could not carry, one query per table. */
  private async fillTruncated(changes: Change[], infos: Map<string, TableInfo | undefined>): Promise<void> {
    const byTable = new Map<string, KeyLookup[]>()
    changes.forEach((change, index) => {
      if (!change.truncated || change.type === 'DELETE') return
      const key = tableKey(change.schema, change.table)
      const list = byTable.get(key) ?? []
      list.push({ index, key: change.key })
      byTable.set(key, list)
    })
    await Promise.all(
      [...byTable].map(async ([key, lookups]) => {
        const info = infos.get(key)
        if (!info) return
        try {
          const rows = await fetchRows(this.db, info, lookups)
          for (const { index } of lookups) changes[index].record = rows.get(index) ?? null
        } catch (error) {
          this.warn(`cannot fetch large rows of ${info.schema}.${info.table}: ${errorMessage(error)}`)
        }
      }),
    )
  }
}
