/**
 * axe-core in a page or frame: the findings of impact critical or serious, as lines a failing
 * test prints. A colour-contrast finding is excepted only where both colours are Figma's own theme
 * colours (the --figma-color-* variables the host defines), which the plugin cannot change, and the
 * text colour is not the tertiary one (#b3b3b3 on white, 2.1:1): Figma means it for hints beside
 * other text, so text a person must read uses the secondary colour or darker.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Frame, Page } from 'playwright-core'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface Finding {
  id: string
  impact: string | null
  help: string
  nodes: { target: string; html: string; colors: { fg: string; bg: string } | null }[]
}

/** Lines like `serious color-contrast: Elements must meet minimum color contrast … at .badge (#fff on #0d99ff)`. */
export async function axeFindings(target: Page | Frame): Promise<string[]> {
  const injected = await target.evaluate(() => 'axe' in window)
  // Evaluated through the debugging protocol, so the plugin iframe's content-security policy does not apply.
  if (!injected) await target.evaluate(AXE_SOURCE)
  const findings = await target.evaluate(async (): Promise<Finding[]> => {
    interface AxeNode {
      target: unknown[]
      html: string
      any: { data?: { fgColor?: string; bgColor?: string } | null }[]
    }
    interface AxeResult {
      id: string
      impact?: string | null
      help: string
      nodes: AxeNode[]
    }
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeResult[] }> } }).axe
    const { violations } = await axe.run(document, { resultTypes: ['violations'] })
    return violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.map((node) => {
        const data = node.any.find((check) => check.data?.fgColor)?.data
        return {
          target: node.target.map(String).join(' '),
          html: node.html.slice(0, 120),
          colors: data?.fgColor && data.bgColor ? { fg: data.fgColor, bg: data.bgColor } : null,
        }
      }),
    }))
  })
  const contrastTargets = findings
    .filter((finding) => finding.id === 'color-contrast')
    .flatMap((finding) => finding.nodes.map((node) => node.target))
  const themed = new Set(
    await target.evaluate((targets: string[]) => {
      // Each --figma-color-* variable of the host's theme, resolved as computed colours are written.
      const probe = document.createElement('span')
      document.body.append(probe)
      const themeColors = new Set<string>()
      const unreadable = new Set<string>()
      for (const sheet of [...document.styleSheets]) {
        let rules: CSSRuleList
        try {
          rules = sheet.cssRules
        } catch {
          continue
        }
        for (const rule of [...rules]) {
          if (!(rule instanceof CSSStyleRule)) continue
          for (const name of [...rule.style]) {
            if (!name.startsWith('--figma-color-')) continue
            probe.style.color = `var(${name})`
            const color = getComputedStyle(probe).color
            themeColors.add(color)
            if (name === '--figma-color-text-tertiary') unreadable.add(color)
          }
        }
      }
      probe.remove()
      // Checked on the text colour only: a background of that value is not text.
      const readableText = (color: string) => themeColors.has(color) && !unreadable.has(color)
      const transparent = (color: string) => color === 'transparent' || /rgba\(.*,\s*0\)$/.test(color)
      return targets.filter((selector) => {
        const element = document.querySelector(selector)
        if (element === null) return false
        let background: Element | null = element
        while (background && transparent(getComputedStyle(background).backgroundColor)) background = background.parentElement
        const bg = background ? getComputedStyle(background).backgroundColor : 'rgb(255, 255, 255)'
        return readableText(getComputedStyle(element).color) && themeColors.has(bg)
      })
    }, contrastTargets),
  )
  const lines: string[] = []
  for (const finding of findings) {
    if (finding.impact !== 'critical' && finding.impact !== 'serious') continue
    for (const node of finding.nodes) {
      if (finding.id === 'color-contrast' && themed.has(node.target)) continue
      const colors = node.colors ? ` (${node.colors.fg} on ${node.colors.bg})` : ''
      lines.push(`${finding.impact} ${finding.id}: ${finding.help} at ${node.target}${colors}: ${node.html}`)
    }
  }
  return lines
}
