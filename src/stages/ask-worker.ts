// One question to lbg's worker script in a child process (worker.mjs, beside the bundle's chunks; its modes
// are in src/executors/worker-main.ts): `worker.mjs --<mode> [args]`, the request (if any) on stdin, the
// answer as the last line of stdout that starts with `{"<key>"` — what the child prints before it (a stage
// file's top-level console.log) is not taken for it. Loading TypeScript stages (--introspect), their validate
// hooks (--validate) and the type check of a build (--type-check) ask this way; no stage code ever runs in
// lbg's own process.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The child gave no answer: it failed, ran out of time, or printed none. `lines`: its stderr, line by line
 *  (or what it printed instead of an answer); each caller says it in its own words. */
export class NoAnswer extends Error {
  constructor(
    message: string,
    readonly lines: string[],
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

export function askWorker<T>(
  mode: string,
  key: string,
  opts: { cwd: string; args?: string[]; input?: string | Uint8Array; timeoutMs?: number },
): T {
  const worker = fileURLToPath(new URL("./worker.mjs", import.meta.url));
  let out: string;
  try {
    out = execFileSync(process.execPath, [worker, `--${mode}`, ...(opts.args ?? [])], {
      cwd: opts.cwd,
      encoding: "utf8",
      ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
      maxBuffer: 256 * 1024 * 1024,
      ...(opts.input !== undefined ? { input: opts.input } : {}),
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string; code?: string };
    throw new NoAnswer(err.message, (err.stderr ?? "").trim().split("\n").filter(Boolean), err.code === "ETIMEDOUT");
  }
  const at = out.lastIndexOf(`\n{"${key}"`);
  try {
    if (at < 0) throw new Error("none");
    return (JSON.parse(out.slice(at + 1)) as Record<string, T>)[key]!;
  } catch {
    const why = `the worker process gave no answer: ${JSON.stringify(out.slice(-200))}`;
    throw new NoAnswer(why, [why], false);
  }
}

/** The child's side: prints `value` as the answer askWorker looks for. */
export function answerWorker(key: string, value: unknown): void {
  process.stdout.write(`\n${JSON.stringify({ [key]: value })}\n`);
}
