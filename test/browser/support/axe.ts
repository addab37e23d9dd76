/**
 * axe-core in the page under test, without weakening the page's Content-Security-Policy: the
 * library's source is evaluated through the DevTools protocol (page.evaluate), which no CSP
 * governs, instead of a <script> the policy would (rightly) refuse.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0/2.1 A and AA, WCAG 2.2 AA, and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Runs axe on the whole document; returns each violation as readable lines (empty: none). */
export async function runAxe(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  return page.evaluate(async (tags) => {
    type Node = { target: unknown[]; html: string; failureSummary?: string };
    type Violation = { id: string; impact?: string; help: string; helpUrl: string; nodes: Node[] };
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: Violation[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map(
      (v) =>
        `- ${v.id} (${v.impact ?? 'n/a'}): ${v.help} ${v.helpUrl}\n` +
        v.nodes.map((n) => `    at ${JSON.stringify(n.target)}: ${n.html.slice(0, 200)}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`).join('\n'),
    );
  }, AXE_TAGS);
}
