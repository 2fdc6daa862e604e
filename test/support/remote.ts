/**
 * A local HTTP server standing in for the services runbooks call (a health endpoint, a webhook,
 * GitHub's API): it records every request and answers as each test scripts it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: string
}

type Responder = (request: RecordedRequest, count: number, res: ServerResponse) => void | Promise<void>

export interface RemoteService {
  url: string
  requests: RecordedRequest[]
  /** Requests received on one path. */
  count(path: string): number
  on(path: string, responder: Responder): void
  close(): Promise<void>
}

/** Starts a stand-in on a free port of `host` (another host name than the default one, for redirects). */
export async function startRemote(host = '127.0.0.1'): Promise<RemoteService> {
  const requests: RecordedRequest[] = []
  const routes = new Map<string, Responder>()
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    }
    requests.push(recorded)
    const responder = routes.get(path)
    if (!responder) {
      res.writeHead(404).end('no such path')
      return
    }
    await responder(recorded, requests.filter((r) => r.path === path).length, res)
  }
  // A responder that throws answers 500 with its message, so the step under test fails saying why.
  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy()
      else res.writeHead(500, { 'content-type': 'text/plain' }).end(errorMessage(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    on: (path, responder) => routes.set(path, responder),
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export const reply =
  (status: number, body = '') =>
  (_: RecordedRequest, __: number, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(body)
  }
