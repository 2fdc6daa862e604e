/**
 * What realtime needs to know about a table, read from the Postgres catalog: its columns with
 * their type names (the client converts values by them), its primary key (the RLS check and the
 * row fetch look rows up by it), whether it is in the `supabase_realtime` publication, its replica
 * identity (what an UPDATE's old row may show) and which API roles may select from it.
 *
 * Cached per table, because every change of that table needs it; a join re-reads the tables it
 * names, so a migration applied while the stack runs is picked up by the next subscriber.
 */
import * as z from 'zod'
import type { ApiRole, Database } from '../db/database.ts'
import { readJson } from '../read-json.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

interface ColumnInfo {
  name: string
  /** pg_type.typname as real Realtime sends it: `int4`, `timestamptz`, arrays as `_text`. */
  type: string
  /** The SQL spelling of the type, for casts: `integer`, `timestamp with time zone`. */
  sqlType: string
  /** pg_type.typcategory: N numeric, S string, D date/time, B boolean, U user, A array, … */
  category: string
}

export interface TableInfo {
  schema: string
  table: string
  columns: ColumnInfo[]
  byName: Map<string, ColumnInfo>
  primaryKey: string[]
  published: boolean
  /** Row-level security is enabled: each subscriber's access to each row must be checked. */
  rowSecurity: boolean
  /** REPLICA IDENTITY FULL: an UPDATE's old row is whole; otherwise only its key. */
  replicaIdentityFull: boolean
  /** Table-level SELECT per API role; without it a subscriber gets nothing from the table. */
  selectable: Record<ApiRole, boolean>
  /** `[{name, type}]` serialised once for every change of the table. */
  columnsJson: string
}

interface CatalogRow {
  replident: string
  rls: boolean
  published: boolean
  anon: boolean
  authenticated: boolean
  service_role: boolean
  /** json: ColumnInfo[] */
  columns: unknown
  /** json: the primary key's column names */
  pk: unknown
}

const columnList: z.ZodType<ColumnInfo[]> = z.array(
  z.object({ name: z.string(), type: z.string(), sqlType: z.string(), category: z.string() }),
)
const nameList = z.array(z.string())
const valueList = z.array(z.unknown())

const TABLE_SQL = `
select c.relreplident::text as replident, c.relrowsecurity as rls,
       exists (select 1 from pg_publication_tables p
               where p.pubname = 'supabase_realtime' and p.schemaname = n.nspname and p.tablename = c.relname) as published,
       has_table_privilege('anon', c.oid, 'SELECT') as anon,
       has_table_privilege('authenticated', c.oid, 'SELECT') as authenticated,
       has_table_privilege('service_role', c.oid, 'SELECT') as service_role,
       coalesce((select json_agg(json_build_object('name', a.attname, 'type', t.typname,
                                                   'sqlType', format_type(a.atttypid, a.atttypmod),
                                                   'category', t.typcategory::text) order by a.attnum)
                 from pg_attribute a join pg_type t on t.oid = a.atttypid
                 where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns,
       coalesce((select json_agg(a.attname order by k.ord)
                 from pg_index i
                 cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
                 join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                 where i.indrelid = c.oid and i.indisprimary), '[]') as pk
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')`

/** Identifiers are quoted everywhere, so names from the catalog or a client never become SQL. */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`

export class Catalog {
  private readonly tables = new Map<string, Promise<TableInfo | undefined>>()

  constructor(private readonly db: Database) {}

  /** The table's info, from the cache unless `fresh`; undefined when there is no such table. */
  table(schema: string, table: string, fresh = false): Promise<TableInfo | undefined> {
    const key = `${schema}\u0000${table}`
    let entry = this.tables.get(key)
    if (!entry || fresh) {
      entry = this.load(schema, table)
      this.tables.set(key, entry)
      // A failed read (database busy, closing) must not stick in the cache.
      const loading = entry
      loading.catch(() => {
        if (this.tables.get(key) === loading) this.tables.delete(key)
      })
    }
    return entry
  }

  private async load(schema: string, table: string): Promise<TableInfo | undefined> {
    const { rows } = await this.db.query<CatalogRow>(TABLE_SQL, [schema, table])
    const row = rows[0]
    if (!row) return undefined
    const where = `the catalog of ${schema}.${table}`
    const columns = readJson(columnList, row.columns, `${where}: columns`)
    return {
      schema,
      table,
      columns,
      byName: new Map(columns.map((column) => [column.name, column])),
      primaryKey: readJson(nameList, row.pk, `${where}: primary key`),
      published: row.published,
      rowSecurity: row.rls,
      replicaIdentityFull: row.replident === 'f',
      selectable: { anon: row.anon, authenticated: row.authenticated, service_role: row.service_role },
      columnsJson: JSON.stringify(columns.map(({ name, type }) => ({ name, type }))),
    }
  }

  async schemaExists(schema: string): Promise<boolean> {
    const { rows } = await this.db.query('select 1 from pg_namespace where nspname = $1', [schema])
    return rows.length > 0
  }

  /** Tables of the publication, optionally of one schema: what a binding without a table covers. */
  async publishedTables(schema?: string): Promise<{ schema: string; table: string }[]> {
    const { rows } = await this.db.query<{ schema: string; table: string }>(
      `select schemaname as schema, tablename as table from pg_publication_tables
       where pubname = 'supabase_realtime' and ($1::text is null or schemaname = $1)`,
      [schema ?? null],
    )
    return rows
  }

  /**
   * Casts filter values to the column's type in the database, returning them as to_jsonb renders
   * them (the form change records arrive in), or the database's own message when one does not
   * cast, e.g. `invalid input syntax for type uuid: "x"`.
   */
  async castValues(values: string[], sqlType: string): Promise<{ ok: true; values: unknown[] } | { ok: false; message: string }> {
    try {
      const { rows } = await this.db.query<{ values: unknown }>(
        `select coalesce(json_agg(to_jsonb(v::${sqlType}) order by ord), '[]') as values
         from unnest($1::text[]) with ordinality as u(v, ord)`,
        [values],
      )
      return { ok: true, values: readJson(valueList, rows[0].values, 'cast filter values') }
    } catch (error) {
      return { ok: false, message: errorMessage(error) }
    }
  }
}
