/**
 * The documentation's code blocks: every fenced block of README.md, docs/*.md and
 * sdk/README.md, with the HTML comment right above it when there is one:
 *   <!-- include: path#region -->  the block is the region of that file (kept in sync; the file runs)
 *   <!-- not run: reason -->       the block is not executed, for the reason given
 * Shell blocks (`sh`) without a marker are executed by test/docs/commands.test.ts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;

/** The documents whose blocks are checked, relative to the root. */
export function documents(): string[] {
  return ['README.md', 'sdk/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
}

/** One fenced code block. */
export interface Block {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  include?: { file: string; region: string };
  notRun?: string;
}

const FENCE = /^(\s*)```(\S*)\s*$/;

/** The fenced blocks of `doc`. */
export function blocksOf(doc: string, text = readFileSync(join(ROOT, doc), 'utf8')): Block[] {
  const lines = text.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    const code = lines.slice(i + 1, end).map((l) => l.slice(indent)).join('\n');
    const above = (lines[i - 1] ?? '').trim();
    const inc = /^<!-- include: ([^#\s]+)#([\w-]+) -->$/.exec(above);
    const nr = /^<!-- not run: (.+) -->$/.exec(above);
    out.push({ doc, line: i + 1, lang: open[2]!, code, ...(inc ? { include: { file: inc[1]!, region: inc[2]! } } : {}), ...(nr ? { notRun: nr[1]! } : {}) });
    i = end;
  }
  return out;
}

/** The text between `// #region name` and `// #endregion name` of `file` (relative to the root). */
export function region(file: string, name: string): string {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === `// #endregion ${name}`);
  if (start < 0 || end < 0) throw new Error(`${file} has no region "${name}"`);
  return lines.slice(start + 1, end).join('\n');
}

/** Rewrites every included block of every document from its file; returns the documents changed. */
export function syncIncludes(): string[] {
  const changed: string[] = [];
  for (const doc of documents()) {
    const path = join(ROOT, doc);
    const lines = readFileSync(path, 'utf8').split('\n');
    let dirty = false;
    for (const b of blocksOf(doc).reverse()) {
      if (!b.include) continue;
      const want = region(b.include.file, b.include.region);
      if (want === b.code) continue;
      const end = lines.findIndex((l, i) => i >= b.line && /^\s*```\s*$/.test(l));
      lines.splice(b.line, end - b.line, ...want.split('\n'));
      dirty = true;
    }
    if (dirty) {
      writeFileSync(path, lines.join('\n'));
      changed.push(doc);
    }
  }
  return changed;
}
