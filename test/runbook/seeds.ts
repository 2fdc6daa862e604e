import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseTemplate, type Template } from '../../supabase/functions/_shared/runbook/index.ts'

const templatesDir = fileURLToPath(new URL('../../supabase/templates/', import.meta.url))

export function seedText(slug: string): string {
  return readFileSync(`${templatesDir}${slug}.yaml`, 'utf8')
}

/** A seed template, parsed; fails loudly if it does not validate. */
export function seedTemplate(slug: 'deploy-web' | 'incident-open'): Template {
  const parsed = parseTemplate(seedText(slug))
  if (!parsed.ok) throw new Error(`${slug} does not parse: ${JSON.stringify(parsed.errors)}`)
  return parsed.template
}

/** Parses YAML written in a test; fails loudly if it does not validate. */
export function templateFrom(yaml: string): Template {
  const parsed = parseTemplate(yaml)
  if (!parsed.ok) throw new Error(`test template does not parse: ${JSON.stringify(parsed.errors)}`)
  return parsed.template
}
