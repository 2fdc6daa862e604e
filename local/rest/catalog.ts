/**
 * What the REST layer needs to know about tables and functions: columns and primary keys (to
 * check insert keys and default upsert targets) and function signatures (to bind named RPC
 * arguments). Cached like PostgREST's schema cache; `reload()` empties it.
 */
import type { Tx } from '../db/database.ts'

interface ColumnInfo {
  name: string
  type: string
}

export interface TableInfo {
  schema: string
  name: string
  columns: Map<string, ColumnInfo>
  primaryKey: string[]
}

type ArgumentKind = 'json' | 'array' | 'scalar'

export interface FunctionInfo {
  schema: string
  name: string
  args: { name: string; type: string; kind: ArgumentKind; hasDefault: boolean }[]
  returns: 'void' | 'scalar' | 'rows'
  returnsSet: boolean
}

export class Catalog {
  private tables = new Map<string, Promise<TableInfo | undefined>>()
  private functions = new Map<string, Promise<FunctionInfo[]>>()

  reload(): void {
    this.tables.clear()
    this.functions.clear()
  }

  table(tx: Tx, schema: string, name: string): Promise<TableInfo | undefined> {
    const key = `${schema}.${name}`
    let entry = this.tables.get(key)
    if (!entry) {
      entry = loadTable(tx, schema, name)
      this.tables.set(key, entry)
      entry.catch(() => this.tables.delete(key))
    }
    return entry
  }

  functionsNamed(tx: Tx, schema: string, name: string): Promise<FunctionInfo[]> {
    const key = `${schema}.${name}`
    let entry = this.functions.get(key)
    if (!entry) {
      entry = loadFunctions(tx, schema, name)
      this.functions.set(key, entry)
      entry.catch(() => this.functions.delete(key))
    }
    return entry
  }
}

async function loadTable(tx: Tx, schema: string, name: string): Promise<TableInfo | undefined> {
  const { rows } = await tx.query<{ attname: string; type: string; is_pk: boolean }>(
    `select a.attname, format_type(a.atttypid, a.atttypmod) as type,
            coalesce(a.attnum = any(i.indkey), false) as is_pk
     from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     left join pg_index i on i.indrelid = c.oid and i.indisprimary
     where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'v', 'm', 'p', 'f')
     order by a.attnum`,
    [schema, name],
  )
  if (rows.length === 0) return undefined
  return {
    schema,
    name,
    columns: new Map(rows.map((row) => [row.attname, { name: row.attname, type: row.type }])),
    primaryKey: rows.filter((row) => row.is_pk).map((row) => row.attname),
  }
}

async function loadFunctions(tx: Tx, schema: string, name: string): Promise<FunctionInfo[]> {
  const { rows } = await tx.query<{
    argnames: string[] | null
    argmodes: string[] | null
    argtypes: string[]
    argcategories: string[]
    nargs: number
    ndefaults: number
    retset: boolean
    rettype: string
    rettypetype: string
  }>(
    `select p.proargnames as argnames, p.proargmodes::text[] as argmodes,
            array(select format_type(t, null) from unnest(p.proargtypes) as t) as argtypes,
            array(select ty.typcategory::text from unnest(p.proargtypes) with ordinality as u(t, o)
                  join pg_type ty on ty.oid = u.t order by u.o) as argcategories,
            p.pronargs as nargs, p.pronargdefaults as ndefaults, p.proretset as retset,
            format_type(p.prorettype, null) as rettype, rt.typtype::text as rettypetype
     from pg_proc p
     join pg_namespace n on n.oid = p.pronamespace
     join pg_type rt on rt.oid = p.prorettype
     where n.nspname = $1 and p.proname = $2 and p.prokind = 'f'`,
    [schema, name],
  )
  return rows.map((row) => {
    // proargnames lists every argument including OUT/TABLE ones; the input ones come first
    // among those whose mode is i, b or v (or all of them when modes are absent).
    const inputNames = (row.argnames ?? []).filter((_, i) => !row.argmodes || ['i', 'b', 'v'].includes(row.argmodes[i]))
    const firstDefault = row.nargs - row.ndefaults
    const args = row.argtypes.map((type, i) => ({
      name: inputNames[i] ?? '',
      type,
      kind: argumentKind(type, row.argcategories[i]),
      hasDefault: i >= firstDefault,
    }))
    const returns: FunctionInfo['returns'] =
      row.rettype === 'void' ? 'void' : row.retset || row.rettypetype === 'c' || row.rettype === 'record' ? 'rows' : 'scalar'
    return { schema, name, args, returns, returnsSet: row.retset }
  })
}

function argumentKind(type: string, category: string): ArgumentKind {
  if (type === 'json' || type === 'jsonb') return 'json'
  return category === 'A' ? 'array' : 'scalar'
}
