/**
 * /rest/v1: the part of PostgREST that postgrest-js uses here (table reads, inserts, upserts,
 * updates, deletes and RPC). Each request is one transaction as the role its JWT names, with
 * `request.jwt.claims` set, so Postgres row-level security decides; GET and HEAD are read-only.
 * Bodies are built by Postgres (json_agg), as PostgREST builds them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { StackContext } from '../context.ts'
import type { JwtClaims, Tx } from '../db/database.ts'
import { isApiRole } from '../db/database.ts'
import { verifyJwt } from '../jwt.ts'
import { BodyTooLarge, CORS_HEADERS, readBody, requestToken, sendJson } from '../http/respond.ts'
import { Catalog, type FunctionInfo, type TableInfo } from './catalog.ts'
import { fromDatabaseError, RestError, unsupported } from './errors.ts'
import { appliedPreferences, parsePrefer, type Preferences } from './prefer.ts'
import { parseColumnList, parseReadQuery, type ReadQuery } from './query.ts'
import { aggregate, ident, orderClause, Params, qualified, whereClause } from './sql.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import { isJsonObject } from '../json-object.ts'

const SINGLE_OBJECT = 'application/vnd.pgrst.object+json'

interface Outcome {
  status: number
  /** JSON text, or undefined for no body. */
  body?: string
  headers?: Record<string, string>
}

interface Request {
  method: string
  schema: string
  target: string
  params: URLSearchParams
  prefs: Preferences
  single: boolean
  body: unknown
}

export function createRestRoutes(context: StackContext) {
  const { db, config } = context
  const catalog = new Catalog()

  function authenticate(req: IncomingMessage): JwtClaims {
    const token = requestToken(req)
    if (!token) {
      throw new RestError(401, 'PGRST301', 'No API key found in request', null, 'No `apikey` request header or url param was found.')
    }
    const verified = verifyJwt(token)
    if (!verified.ok) throw refusedToken(verified.message, verified.reason === 'expired' ? 'PGRST303' : 'PGRST301')
    const role = typeof verified.claims.role === 'string' ? verified.claims.role : 'anon'
    if (!isApiRole(role)) {
      throw new RestError(401, 'PGRST301', `JWT role "${role}" is not a role this API serves`)
    }
    return { ...verified.claims, role }
  }

  function profile(req: IncomingMessage, method: string): string {
    const header = method === 'GET' || method === 'HEAD' ? req.headers['accept-profile'] : req.headers['content-profile']
    const schema = typeof header === 'string' && header !== '' ? header : config.schemas[0]
    if (!config.schemas.includes(schema)) {
      throw new RestError(406, 'PGRST106', `The schema must be one of the following: ${config.schemas.join(', ')}`)
    }
    return schema
  }

  function wantsSingle(req: IncomingMessage): boolean {
    const accept = req.headers.accept ?? '*/*'
    if (accept.includes(SINGLE_OBJECT)) return true
    const acceptable = accept.split(',').some((type) => /^\s*(\*\/\*|application\/json|application\/\*)/.test(type))
    if (!acceptable) throw new RestError(406, 'PGRST107', `None of these media types are available: ${accept}`)
    return false
  }

  async function table(tx: Tx, schema: string, name: string): Promise<TableInfo> {
    const info = await catalog.table(tx, schema, name)
    if (!info) throw new RestError(404, '42P01', `relation "${schema}.${name}" does not exist`)
    return info
  }

  function checkColumns(info: TableInfo, columns: Iterable<string>): void {
    for (const column of columns) {
      if (!info.columns.has(column)) throw new RestError(400, '42703', `column ${info.name}.${column} does not exist`)
    }
  }

  function readColumns(query: ReadQuery): string[] {
    return [
      ...query.select.flatMap((item) => (item.column === '*' ? [] : [item.column])),
      ...query.filters.map((filter) => filter.column),
      ...query.order.map((term) => term.column),
    ]
  }

  /** Limit and offset, with [api] max_rows as the ceiling and an optional Range header. */
  function window(query: ReadQuery, range: string | undefined): { limit: number; offset: number } {
    let { limit, offset } = query
    const match = range ? /^(\d+)-(\d*)$/.exec(range.trim()) : null
    if (range && !match) throw new RestError(416, 'PGRST103', 'Requested range not satisfiable', `Range header "${range}" is not "from-to"`)
    if (match) {
      offset = Number(match[1])
      if (match[2] !== '') limit = Math.min(limit ?? Infinity, Number(match[2]) - offset + 1)
    }
    return { limit: Math.min(limit ?? config.maxRows, config.maxRows), offset: offset ?? 0 }
  }

  function respondRows(
    request: Request,
    rows: { body: string; n: number },
    options: { status: number; total?: number; offset?: number; mutation?: boolean },
  ): Outcome {
    const headers: Record<string, string> = {}
    const from = options.offset ?? 0
    const rangeText = rows.n === 0 ? '*' : `${from}-${from + rows.n - 1}`
    headers['content-range'] = `${rangeText}/${options.total ?? '*'}`
    const applied = appliedPreferences(request.prefs)
    if (applied) headers['preference-applied'] = applied
    if (request.single) {
      if (rows.n !== 1) {
        // PostgREST undoes a mutation whose singular response fails.
        throw new RestError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${rows.n} rows`)
      }
      return { status: options.status, body: JSON.stringify(firstElement(rows.body)), headers }
    }
    if (options.mutation && request.prefs.return !== 'representation') {
      return { status: options.status === 201 ? 201 : 204, headers }
    }
    const partial = options.total !== undefined && rows.n < options.total && !options.mutation
    return { status: partial ? 206 : options.status, body: rows.body, headers }
  }

  async function read(tx: Tx, request: Request, rangeHeader: string | undefined): Promise<Outcome> {
    const info = await table(tx, request.schema, request.target)
    const query = parseReadQuery(request.params)
    checkColumns(info, readColumns(query))
    const params = new Params()
    const where = whereClause(query.filters, params)
    let total: number | undefined
    if (request.prefs.count) {
      const counted = await tx.query<{ total: number }>(
        `select count(*)::int as total from ${qualified(info.schema, info.name)} as _t ${where}`,
        [...params.values],
      )
      total = counted.rows[0].total
    }
    const { limit, offset } = window(query, rangeHeader)
    const source = `${qualified(info.schema, info.name)} as _t ${where} ${orderClause(query.order)} limit ${params.add(limit)} offset ${params.add(offset)}`
    const { rows } = await tx.query<{ body: string; n: number }>(aggregate(source, query.select), params.values)
    return respondRows(request, rows[0], { status: 200, total, offset })
  }

  function bodyRows(body: unknown): Record<string, unknown>[] {
    const rows: unknown[] = Array.isArray(body) ? body : [body]
    const objects = rows.filter(isJsonObject)
    if (objects.length !== rows.length) {
      throw new RestError(400, 'PGRST102', 'Empty or invalid json', 'The body must be a JSON object or an array of objects')
    }
    return objects
  }

  function checkBodyColumns(info: TableInfo, columns: string[]): void {
    for (const column of columns) {
      if (!info.columns.has(column)) {
        throw new RestError(400, 'PGRST204', `Could not find the '${column}' column of '${info.name}' in the schema cache`)
      }
    }
  }

  /**
   * Runs the data-modifying statements `parts` builds (each must end with the `returning` text it
   * is given) and shapes the response. Several parts run as sibling CTEs, since Postgres allows
   * data-modifying WITH only at the top level.
   */
  async function mutate(
    tx: Tx,
    request: Request,
    parts: (returning: string) => string[],
    params: Params,
    status: number,
  ): Promise<Outcome> {
    const query = parseReadQuery(new URLSearchParams(request.params.has('select') ? { select: request.params.get('select')! } : {}))
    const needsRows = request.prefs.return === 'representation' || request.single || request.prefs.count !== undefined
    if (!needsRows) {
      const statements = parts('')
      const sql = statements.length === 1 ? statements[0] : `with ${statements.map((s, i) => `_m${i} as (${s})`).join(', ')} select 1`
      await tx.query(sql, params.values)
      return respondRows(request, { body: '[]', n: 0 }, { status, mutation: true })
    }
    const statements = parts('returning _t.*')
    const ctes =
      statements.length === 1
        ? `_m as (${statements[0]})`
        : `${statements.map((s, i) => `_m${i} as (${s})`).join(', ')}, _m as (${statements.map((_, i) => `select * from _m${i}`).join(' union all ')})`
    const { rows } = await tx.query<{ body: string; n: number }>(`with ${ctes} ${aggregate('_m as _t', query.select)}`, params.values)
    return respondRows(request, rows[0], { status, mutation: true, total: request.prefs.count ? rows[0].n : undefined })
  }

  async function insert(tx: Tx, request: Request): Promise<Outcome> {
    const info = await table(tx, request.schema, request.target)
    const rows = bodyRows(request.body)
    const listed = parseColumnList('columns', request.params.get('columns'))
    const columns = listed ?? Object.keys(rows[0] ?? {})
    if (!listed && rows.some((row) => Object.keys(row).length !== columns.length || columns.some((c) => !(c in row)))) {
      throw new RestError(400, 'PGRST102', 'All object keys must match')
    }
    checkBodyColumns(info, columns)
    const target = qualified(info.schema, info.name)
    const conflict = parseColumnList('on_conflict', request.params.get('on_conflict'))
    if (conflict) checkColumns(info, conflict)
    const onConflict = (cols: string[]) => {
      if (!request.prefs.resolution) return ''
      const keys = conflict ?? info.primaryKey
      if (request.prefs.resolution === 'ignore-duplicates') return `on conflict (${keys.map(ident).join(', ')}) do nothing`
      const updates = cols.filter((c) => !keys.includes(c))
      const set = (updates.length > 0 ? updates : keys).map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')
      return `on conflict (${keys.map(ident).join(', ')}) do update set ${set}`
    }
    if (rows.length === 0) return respondRows(request, { body: '[]', n: 0 }, { status: 201, mutation: true })
    const params = new Params()
    if (request.prefs.missing === 'default') {
      // Each row inserts only its own keys, so absent ones take the column default.
      const statements = rows.map((row) => {
        const cols = columns.filter((c) => c in row)
        const values =
          cols.length === 0
            ? 'default values'
            : `(${cols.map(ident).join(', ')}) select ${cols.map(ident).join(', ')} from json_populate_record(null::${target}, ${params.add(JSON.stringify(row))}::json)`
        return (returning: string) => `insert into ${target} as _t ${values} ${onConflict(cols)} ${returning}`
      })
      return mutate(tx, request, (returning) => statements.map((statement) => statement(returning)), params, 201)
    }
    const source =
      columns.length === 0
        ? 'default values'
        : `(${columns.map(ident).join(', ')}) select ${columns.map(ident).join(', ')} from json_populate_recordset(null::${target}, ${params.add(JSON.stringify(rows))}::json)`
    return mutate(tx, request, (returning) => [`insert into ${target} as _t ${source} ${onConflict(columns)} ${returning}`], params, 201)
  }

  async function update(tx: Tx, request: Request): Promise<Outcome> {
    const info = await table(tx, request.schema, request.target)
    const [patch] = bodyRows(request.body)
    if (Array.isArray(request.body)) throw new RestError(400, 'PGRST102', 'An update takes one JSON object, not an array')
    const columns = Object.keys(patch)
    checkBodyColumns(info, columns)
    const query = parseReadQuery(request.params)
    checkColumns(
      info,
      query.filters.map((f) => f.column),
    )
    const target = qualified(info.schema, info.name)
    const params = new Params()
    const values = params.add(JSON.stringify(patch))
    const where = whereClause(query.filters, params)
    if (columns.length === 0) return respondRows(request, { body: '[]', n: 0 }, { status: 200, mutation: true })
    const set = columns.map((c) => `${ident(c)} = _v.${ident(c)}`).join(', ')
    return mutate(
      tx,
      request,
      (returning) => [
        `update ${target} as _t set ${set} from json_populate_record(null::${target}, ${values}::json) as _v ${where} ${returning}`,
      ],
      params,
      200,
    )
  }

  async function remove(tx: Tx, request: Request): Promise<Outcome> {
    const info = await table(tx, request.schema, request.target)
    const query = parseReadQuery(request.params)
    checkColumns(
      info,
      query.filters.map((f) => f.column),
    )
    const params = new Params()
    const where = whereClause(query.filters, params)
    return mutate(tx, request, (returning) => [`delete from ${qualified(info.schema, info.name)} as _t ${where} ${returning}`], params, 200)
  }

  function pickFunction(candidates: FunctionInfo[], schema: string, name: string, given: string[]): FunctionInfo {
    const matching = candidates.filter((fn) => {
      const names = new Set(fn.args.map((a) => a.name))
      return given.every((g) => names.has(g)) && fn.args.every((a) => a.hasDefault || given.includes(a.name))
    })
    if (matching.length === 1) return matching[0]
    const signature = `${schema}.${name}(${[...given].sort().join(', ')})`
    if (matching.length === 0) {
      const hint =
        candidates.length > 0
          ? `Perhaps you meant to call the function ${schema}.${name}(${candidates[0].args.map((a) => a.name).join(', ')})`
          : null
      throw new RestError(
        404,
        'PGRST202',
        `Could not find the function ${signature} in the schema cache`,
        `Searched for the function ${signature} with parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
        hint,
      )
    }
    throw new RestError(
      300,
      'PGRST203',
      `Could not choose the best candidate function between: ${matching.map((fn) => `${schema}.${name}(${fn.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`).join(', ')}`,
    )
  }

  async function rpc(tx: Tx, request: Request, name: string): Promise<Outcome> {
    const candidates = await catalog.functionsNamed(tx, request.schema, name)
    let args: Record<string, unknown>
    let filterParams = request.params
    if (request.method === 'GET' || request.method === 'HEAD') {
      // Query parameters named like an argument are arguments; the rest filter the result.
      const argNames = new Set(candidates.flatMap((fn) => fn.args.map((a) => a.name)))
      args = {}
      filterParams = new URLSearchParams()
      for (const [key, value] of request.params) {
        if (argNames.has(key)) args[key] = value
        else filterParams.append(key, value)
      }
    } else {
      if (!isJsonObject(request.body)) {
        throw new RestError(400, 'PGRST102', 'Empty or invalid json', 'RPC arguments are a JSON object of named arguments')
      }
      args = request.body
    }
    const fn = pickFunction(candidates, request.schema, name, Object.keys(args))
    const params = new Params()
    const used = fn.args.filter((a) => a.name in args)
    // A function without arguments gets no parameter: Postgres refuses an unused one.
    const argsParam = used.length > 0 ? params.add(JSON.stringify(args)) : ''
    const argSql = used
      .map((a) => {
        const value =
          a.kind === 'json'
            ? `(${argsParam}::jsonb -> ${quoteLiteral(a.name)})::${a.type}`
            : a.kind === 'array'
              ? `(case when jsonb_typeof(${argsParam}::jsonb -> ${quoteLiteral(a.name)}) = 'array' then array(select jsonb_array_elements_text(${argsParam}::jsonb -> ${quoteLiteral(a.name)})) end)::${a.type}`
              : `(${argsParam}::jsonb ->> ${quoteLiteral(a.name)})::${a.type}`
        return `${ident(a.name)} => ${value}`
      })
      .join(', ')
    const call = `${qualified(fn.schema, fn.name)}(${argSql})`
    if (fn.returns === 'void') {
      await tx.query(`select ${call}`, params.values)
      return { status: 204 }
    }
    if (fn.returns === 'scalar') {
      const { rows } = await tx.query<{ body: string }>(`select to_json(${call})::text as body`, params.values)
      return { status: 200, body: rows[0].body }
    }
    const query = parseReadQuery(filterParams)
    const where = whereClause(query.filters, params)
    const { limit, offset } = window(query, undefined)
    const source = `${call} as _t ${where} ${orderClause(query.order)} limit ${params.add(limit)} offset ${params.add(offset)}`
    const { rows } = await tx.query<{ body: string; n: number }>(aggregate(source, query.select), params.values)
    if (!fn.returnsSet && !request.single) {
      // A function returning one row answers with that row as an object, as PostgREST does.
      return { status: 200, body: JSON.stringify(firstElement(rows[0].body) ?? null) }
    }
    return respondRows(request, rows[0], { status: 200, offset })
  }

  return async function handleRest(req: IncomingMessage, res: ServerResponse, path: string, params: URLSearchParams) {
    const method = req.method ?? 'GET'
    let role = 'anon'
    try {
      const claims = authenticate(req)
      role = claims.role
      const schema = profile(req, method)
      const single = wantsSingle(req)
      const segments = path.split('/').filter(Boolean)
      const isRpc = segments[0] === 'rpc' && segments.length === 2
      if (segments.length === 0) throw unsupported('the OpenAPI description at /rest/v1/')
      if (!isRpc && segments.length !== 1) throw new RestError(404, 'PGRST125', `Invalid path specified in request URL: ${path}`)
      let body: unknown
      if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
        const raw = (await readBody(req, context.bodyLimit)).toString('utf8')
        if (raw.trim() !== '') {
          try {
            body = JSON.parse(raw)
          } catch (error) {
            throw new RestError(400, 'PGRST102', 'Empty or invalid json', errorMessage(error))
          }
        } else if (!isRpc) {
          throw new RestError(400, 'PGRST102', 'Empty or invalid json', 'The request body is empty')
        } else {
          body = {}
        }
      }
      const request: Request = {
        method,
        schema,
        target: segments[isRpc ? 1 : 0],
        params,
        prefs: parsePrefer(req.headers.prefer),
        single,
        body,
      }
      const readOnly = method === 'GET' || method === 'HEAD'
      const range = typeof req.headers.range === 'string' ? req.headers.range : undefined
      const outcome = await db.asRole(
        claims,
        async (tx) => {
          if (isRpc) {
            if (!['GET', 'HEAD', 'POST'].includes(method))
              throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method} on /rpc`)
            return rpc(tx, request, request.target)
          }
          switch (method) {
            case 'GET':
            case 'HEAD':
              return read(tx, request, range)
            case 'POST':
              return insert(tx, request)
            case 'PATCH':
              return update(tx, request)
            case 'DELETE':
              return remove(tx, request)
            case 'PUT':
              throw unsupported('PUT (single-row upsert)', 'Use POST with Prefer: resolution=merge-duplicates.')
            default:
              throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`)
          }
        },
        {
          readOnly,
          liveToken: true,
          settings: {
            search_path: `${ident(schema)}, public`,
            'request.method': method,
            'request.path': path,
            'request.headers': JSON.stringify(headerSettings(req)),
          },
        },
      )
      const headers = { ...CORS_HEADERS, ...outcome.headers }
      if (outcome.body !== undefined && method !== 'HEAD') {
        res.writeHead(outcome.status, { ...headers, 'content-type': `${single ? SINGLE_OBJECT : 'application/json'}; charset=utf-8` })
        res.end(outcome.body)
      } else {
        res.writeHead(outcome.status, headers)
        res.end()
      }
    } catch (error) {
      const restError =
        error instanceof RestError
          ? error
          : isEndedToken(error)
            ? refusedToken(error.message)
            : error instanceof BodyTooLarge
              ? new RestError(
                  413,
                  'PGRST413',
                  `Payload too large: the request body is over the ${error.limit}-byte limit`,
                  null,
                  'Send smaller batches.',
                )
              : fromDatabaseError(error, role)
      sendJson(res, restError.status, restError.body(), restError.headers)
    }
  }
}

/** A token PostgREST would not take: 401, and the reason in the body and in WWW-Authenticate. */
function refusedToken(message: string, code = 'PGRST301'): RestError {
  return new RestError(401, code, message, null, null, {
    'www-authenticate': `Bearer error="invalid_token", error_description="${message}"`,
  })
}

/** The database's refusal of a token whose user was deleted or whose session ended (local_auth.require_live_token). */
function isEndedToken(error: unknown): error is { message: string } {
  if (typeof error !== 'object' || error === null || Reflect.get(error, 'code') !== 'PT401') return false
  const message: unknown = Reflect.get(error, 'message')
  return typeof message === 'string' && / from (sub|session_id) claim in JWT does not exist$/.test(message)
}

/** The first element of a JSON array built by json_agg, or undefined when it is empty. */
function firstElement(json: string): unknown {
  const parsed: unknown = JSON.parse(json)
  if (!Array.isArray(parsed)) throw new Error(`json_agg built ${typeof parsed}, not an array`)
  return parsed[0]
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/** The headers policies may read through request.headers, without credentials. */
function headerSettings(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(req.headers)) {
    if (key === 'authorization' || key === 'apikey' || key === 'cookie' || value === undefined) continue
    out[key] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
