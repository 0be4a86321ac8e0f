// A stage job as one line of text: what `lbg build -n` prints for each stage that would run (as `ceci
// --dry-run` prints its commands), the `command` of the `stage-start` event, and a command stage's log header.
import { shellQuote } from "../process/shell-quote.ts";
import type { CommandStageJob, TsStageJob } from "./stage-job.ts";

/** A command stage's command line, as a shell would run it: its environment assignments, then argv. A job
 *  whose argv ends in `sh -c <script>` (a container command, built as ceci's shell line) shows the script. */
export function showCommand(job: CommandStageJob): string {
  const env = Object.entries(job.env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const n = job.argv.length;
  if (job.script && n >= 3) return [...env, ...job.argv.slice(0, n - 3).map(shellQuote), job.argv[n - 1]!].join(" ");
  return [...env, ...job.argv.map(shellQuote)].join(" ");
}

/**
 * A TypeScript stage runs inside one of lbg's worker processes, not as a command of its own. Its line names
 * what the worker is given: `[lbg worker] <source file> <Class> --<input tag>=<path> ... --<output tag>=<path>
 * ... --config=<JSON of the effective options>`, outputs by their final paths (the stage writes
 * `inprogress_<name>` files, which lbg renames after it succeeds).
 */
export function tsCommandLine(job: TsStageJob): string {
  const words = [job.source ?? job.bundle, job.className];
  for (const [tag, path] of Object.entries(job.inputs)) words.push(`--${tag}=${path}`);
  for (const [tag, path] of Object.entries(job.finalOutputs ?? job.outputs)) words.push(`--${tag}=${path}`);
  // JSON has no Infinity or NaN (they would read as null): shown as YAML spells them.
  const nonFinite = (_: string, v: unknown) =>
    typeof v === "number" && !Number.isFinite(v) ? (Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf") : v;
  words.push(`--config=${JSON.stringify(job.config, nonFinite)}`);
  return `[lbg worker] ${words.map(shellQuote).join(" ")}`;
}
