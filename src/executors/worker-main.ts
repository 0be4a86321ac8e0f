// A warm stage worker: a Node process that runs TypeScript stages one at a time, sent over IPC by the
// local executor. Keeping it alive avoids paying a Node start per stage (1,000 trivial stages must build in
// seconds), while each worker is still its own process group that lbg can kill, and a crashing stage only
// takes its worker down. Also answers `--introspect <bundle>...` for the stage loader, and `--validate`
// (requests v8-serialized on stdin) for the stages' validate hooks.
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { deserialize, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { introspect } from "../stages/introspect-main.ts";
import { type RunnableClass, runStage, throttledProgress } from "../stages/run-stage.ts";
import { enableStageSourceMaps, stageLocation, stageStack } from "../stages/stage-stack.ts";
import { validateConfigs, type ValidateRequest } from "../stages/validate-main.ts";
import { markUsage, usageSince } from "./self-usage.ts";
import type { FromWorker, TsStageJob, ToWorker } from "./stage-job.ts";

async function runJob(job: TsStageJob): Promise<Extract<FromWorker, { type: "done" }>> {
  const fd = openSync(job.log, "w");
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const toLog = (chunk: unknown, enc?: unknown, cb?: unknown): boolean => {
    if (typeof chunk === "string") writeSync(fd, chunk);
    else writeSync(fd, chunk as Uint8Array);
    const done = typeof enc === "function" ? enc : cb;
    if (typeof done === "function") (done as () => void)();
    return true;
  };
  process.stdout.write = toLog as typeof process.stdout.write;
  process.stderr.write = toLog as typeof process.stderr.write;
  currentLog = fd;
  currentRoot = job.cwd;
  const started = Date.now();
  collectIfGrown();
  const mark = markUsage();
  try {
    const step =
      process.env.SLURM_STEP_ID !== undefined
        ? ` in Slurm step ${process.env.SLURM_JOB_ID}.${process.env.SLURM_STEP_ID}`
        : "";
    writeSync(fd, `Executing stage: ${job.instance} (${job.className})${step} @ ${new Date().toISOString()}\n`);
    const mod = (await import(pathToFileURL(job.bundle).href)) as Record<string, RunnableClass | undefined>;
    const Cls = mod[job.exportName];
    if (typeof Cls !== "function") throw new Error(`${job.bundle} no longer exports ${job.exportName}`);
    await runStage(Cls, {
      instance: job.instance,
      inputs: job.inputs,
      outputs: job.outputs,
      config: job.config,
      nprocess: job.nprocess,
      threadsPerProcess: job.threadsPerProcess,
      log: (m: string) => writeSync(fd, `${m}\n`),
      progress: throttledProgress((line) => writeSync(fd, `${line}\n`)),
    });
    writeSync(fd, `Stage complete: ${job.instance} took ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
    const usage = usageSince(mark);
    grown = (usage.maxRssBytes ?? process.memoryUsage.rss()) - mark.rss > 32 * 1024 * 1024;
    return { type: "done", ok: true, usage };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    writeSync(fd, `${stageStack(error, job.cwd)}\n`);
    grown = true; // a failed stage may have left anything behind
    const at = stageLocation(error, job.cwd);
    return { type: "done", ok: false, error: `${error.name}: ${error.message}${at ? ` (at ${at})` : ""}` };
  } finally {
    currentLog = undefined;
    process.stdout.write = out;
    process.stderr.write = err;
    closeSync(fd);
  }
}

let currentLog: number | undefined;
/** The running job's project root, for project-relative stack traces of what escapes `run`. */
let currentRoot = process.cwd();

/**
 * After a stage whose memory grew by more than 32 MiB, a full collection before anything else runs: an idle
 * warm worker does not sit on a finished stage's garbage, and the next stage's peak memory (self-usage.ts)
 * is its own. Small stages skip it (a full collection costs milliseconds; 1,000 trivial stages would feel it).
 */
let grown = false;
function collectIfGrown(): void {
  if (!grown) return;
  grown = false;
  collectGarbage();
}

/** V8's full collection, reached without starting the worker with --expose-gc. */
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return () => {};
  }
})();

function fatal(e: unknown): void {
  const error = e instanceof Error ? e : new Error(String(e));
  if (currentLog !== undefined) {
    try {
      writeSync(currentLog, `${stageStack(error, currentRoot)}\n`);
    } catch {
      /* log gone */
    }
  }
  process.send?.(
    { type: "done", ok: false, error: `${error.name}: ${error.message} (uncaught)` } satisfies FromWorker,
    () => process.exit(1),
  );
  setTimeout(() => process.exit(1), 1000).unref();
}

enableStageSourceMaps();
if (process.argv[2] === "--job") {
  // One-shot mode, for launchers that start a process per stage (srun under Slurm): the job is a JSON file,
  // the exit code says whether the stage succeeded.
  const job = JSON.parse(readFileSync(process.argv[3]!, "utf8")) as TsStageJob;
  process.on("uncaughtException", (e) => {
    if (currentLog !== undefined) writeSync(currentLog, `${stageStack(e, currentRoot)}\n`);
    process.exit(1);
  });
  const reply = await runJob(job);
  // Under Slurm without accounting these are the step's only figures (slurm-executor.ts reads them).
  if (reply.usage)
    try {
      writeFileSync(`${process.argv[3]}.usage.json`, JSON.stringify(reply.usage));
    } catch {
      /* the stage's result stands without them */
    }
  process.exit(reply.ok ? 0 : 1);
} else if (process.argv[2] === "--introspect") {
  const results = await introspect(process.argv.slice(3));
  process.stdout.write(`\n${JSON.stringify({ introspection: results })}\n`);
  process.exit(0);
} else if (process.argv[2] === "--validate") {
  const answers = await validateConfigs(deserialize(readFileSync(0)) as ValidateRequest[]);
  process.stdout.write(`\n${JSON.stringify({ validation: answers })}\n`);
  process.exit(0);
} else {
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);
  process.on("disconnect", () => process.exit(0));
  process.on("message", (m: ToWorker) => {
    if (m.type !== "run") return;
    process.send?.({ type: "started" } satisfies FromWorker);
    void runJob(m.job).then((reply) => {
      process.send?.(reply);
      setImmediate(collectIfGrown);
    });
  });
}
