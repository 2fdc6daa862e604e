/**
 * The browser preview of the plugin: a page that stands in for the Figma host. It serves the
 * page, its script (build/preview/host.js), the built plugin (build/main.js, build/ui.js,
 * manifest.json), Figma's theme colour tokens, and a small config pointing the plugin at the
 * running local stack.
 *
 *   const preview = await startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: 0 })
 *   // open preview.url; later: await preview.close()
 */
import { createServer, type ServerResponse } from 'node:http'
import { access, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { listen } from '../http/listen.ts'

export const DEFAULT_PREVIEW_PORT = 5173

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface PreviewOptions {
  /** The local stack the previewed plugin talks to. */
  stackUrl: string
  anonKey: string
  /** Default 5173; 0 picks a free port. */
  port?: number
  /** Address to listen on (default 127.0.0.1). */
  host?: string
  /** Where build/main.js, build/ui.js, build/preview/host.js and manifest.json are (default: this project). */
  outputDir?: string
}

export interface Preview {
  /** The page's address, e.g. http://localhost:5173. */
  url: string
  port: number
  /** Build outputs that are missing (the page says so too): run `npm run build`. */
  missing: string[]
  close(): Promise<void>
}

class PreviewPortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(`port ${port} on ${host} is already in use; choose another with --preview-port`)
  }
}

interface Asset {
  file: string
  type: string
  /** Said when the file is missing. */
  hint: string
}

export async function startPreview(options: PreviewOptions): Promise<Preview> {
  const root = PROJECT_ROOT
  const out = options.outputDir ?? PROJECT_ROOT
  const host = options.host ?? '127.0.0.1'
  const here = join(root, 'local', 'preview')
  const build = 'Run `npm run build` (or `npm start`, which builds first).'
  const assets: Record<string, Asset> = {
    '/': { file: join(here, 'index.html'), type: 'text/html; charset=utf-8', hint: 'The preview page is missing from local/preview.' },
    '/host.js': {
      file: join(out, 'build', 'preview', 'host.js'),
      type: 'text/javascript; charset=utf-8',
      hint: `build/preview/host.js is missing. ${build}`,
    },
    '/plugin/main.js': {
      file: join(out, 'build', 'main.js'),
      type: 'text/javascript; charset=utf-8',
      hint: `build/main.js is missing. ${build}`,
    },
    '/plugin/ui.js': {
      file: join(out, 'build', 'ui.js'),
      type: 'text/javascript; charset=utf-8',
      hint: `build/ui.js is missing. ${build}`,
    },
    '/plugin/manifest.json': { file: join(out, 'manifest.json'), type: 'application/json', hint: `manifest.json is missing. ${build}` },
    '/theme.css': {
      file: join(root, 'node_modules', '@create-figma-plugin', 'ui', 'lib', 'css', 'theme.css'),
      type: 'text/css; charset=utf-8',
      hint: 'The Figma theme colours (@create-figma-plugin/ui) are missing: run `npm install`.',
    },
  }
  const config = JSON.stringify({ supabaseUrl: options.stackUrl.replace(/\/$/, ''), anonKey: options.anonKey })

  const missing: string[] = []
  for (const [path, asset] of Object.entries(assets)) {
    if (path === '/theme.css') continue
    try {
      await access(asset.file)
    } catch {
      missing.push(relative(root, asset.file) || asset.file)
    }
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://preview').pathname
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Only GET')
    if (path === '/config.json') return send(res, 200, 'application/json', config)
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '')
    const asset = assets[path === '/index.html' ? '/' : path]
    if (!asset) return send(res, 404, 'text/plain', `Nothing at ${path}`)
    readFile(asset.file).then(
      (body) => send(res, 200, asset.type, body),
      () => {
        // Without the theme the plugin still works, only uncoloured.
        if (path === '/theme.css') send(res, 200, asset.type, `/* ${asset.hint} */`)
        else send(res, 503, 'text/plain; charset=utf-8', asset.hint)
      },
    )
  })

  const port = await listen(server, options.port ?? DEFAULT_PREVIEW_PORT, host, (p, h) => new PreviewPortInUseError(p, h))
  const shownHost = host === '127.0.0.1' || host === '::1' || host === 'localhost' ? 'localhost' : host
  return {
    url: `http://${shownHost}:${port}`,
    port,
    missing,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(body)
}
