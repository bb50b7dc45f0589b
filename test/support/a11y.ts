import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The rules of WCAG 2.0 and 2.1, levels A and AA. */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeResult {
  violations: { id: string; nodes: { target: string[]; failureSummary?: string }[] }[];
}

/**
 * What axe-core finds against WCAG 2.1 AA in the page as it stands (open overlays included, once their
 * transitions have ended), one line per element: the rule, the element and why. Evaluated through the
 * debugging protocol, which the console's Content-Security-Policy does not govern.
 */
async function wcagViolations(page: Page): Promise<string[]> {
  // colours are read as painted: an overlay still fading in would be measured half-transparent
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } }).axe.run(document, {
        runOnly: { type: 'tag', values: tags },
      }),
    WCAG_AA,
  );
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim().slice(0, 200)}`),
  );
}

/**
 * Collects findings over several states of a page: `check(name)` records what axe-core finds once the
 * page's requests have settled; `found` maps each state with findings to them (empty: none anywhere).
 */
export function wcagAudit(page: Page): { found: Record<string, string[]>; check(name: string): Promise<void> } {
  const found: Record<string, string[]> = {};
  return {
    found,
    async check(name: string): Promise<void> {
      await page.waitForLoadState('networkidle');
      const v = await wcagViolations(page);
      if (v.length > 0) found[name] = v;
    },
  };
}
