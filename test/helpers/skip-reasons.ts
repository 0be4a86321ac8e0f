// A vitest reporter beside the default one: after the run, every skipped test's reason (the note given to
// `ctx.skip(note)`, see requirements.ts), grouped, so a machine that lacks an optional package says so in
// the test output itself — "skipped 14 tests: tmux is not installed …" — instead of passing quietly.
import type { Reporter, TestModule } from "vitest/node";

export default class SkipReasons implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const byReason = new Map<string, Map<string, number>>();
    for (const m of modules) {
      for (const t of m.children.allTests("skipped")) {
        const result = t.result();
        const note = (result.state === "skipped" && result.note) || "no reason given";
        const files = byReason.get(note) ?? new Map<string, number>();
        files.set(m.relativeModuleId, (files.get(m.relativeModuleId) ?? 0) + 1);
        byReason.set(note, files);
      }
    }
    for (const [note, files] of byReason) {
      const n = [...files.values()].reduce((a, b) => a + b, 0);
      const where = [...files].map(([f, k]) => `${f} (${k})`).join(", ");
      process.stdout.write(`skipped ${n} test${n === 1 ? "" : "s"}: ${note} — ${where}\n`);
    }
  }
}
