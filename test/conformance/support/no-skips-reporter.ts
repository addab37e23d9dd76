/**
 * A scenario of the conformance suite cannot be skipped on one runtime: this reporter fails the
 * run when any test ended skipped or todo (`skip`, `runIf`, `todo`, `ctx.skip()` alike).
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class NoSkipsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped = modules.flatMap((m) => [...m.children.allTests('skipped')].map((t) => `${m.moduleId} › ${t.fullName}`));
    if (skipped.length === 0) return;
    process.stderr.write(`\nconformance: ${skipped.length} scenario(s) skipped — every scenario must run on every target:\n${skipped.map((s) => `  ${s}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}
