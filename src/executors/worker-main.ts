// A warm stage worker: a Node process that runs TypeScript stages one at a time, sent over IPC by the
// local executor. Keeping it alive avoids paying a Node start per stage (1,000 trivial stages must build in
// seconds), while each worker is still its own process group that lbg can kill, and a crashing stage only
// takes its worker down. Also answers `--introspect <bundle>...` for the stage loader, `--validate`
// (requests v8-serialized on stdin) for the stages' validate hooks, and `--type-check` (a JSON request on
// stdin) for the type check of a build's stage files.
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { deserialize, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { answerWorker } from "../stages/ask-worker.ts";
import { describeThrown } from "../stages/describe-thrown.ts";
import { introspect } from "../stages/introspect-main.ts";
import { type RunnableClass, runStage, throttledProgress } from "../stages/run-stage.ts";
import { enableStageSourceMaps, stageLocation, stageStack } from "../stages/stage-stack.ts";
import { typeCheckMain } from "../stages/type-check.ts";
import { validateConfigs, type ValidateRequest } from "../stages/validate-main.ts";
import { markUsage, usageSince } from "./self-usage.ts";
import type { FromWorker, TsStageJob, ToWorker } from "./stage-job.ts";

/** lbg's end of the IPC channel, kept from stage code (see below). */
const toLbg = process.send?.bind(process);
if (process.argv[2] === undefined) {
  // A stage (or a library it uses) that sees process.send may talk on lbg's channel: its message would be
  // taken for the stage's end; one that calls process.disconnect() would end the worker in mid-stage. Stage
  // code sees no channel, as in a process of its own.
  process.send = undefined;
  (process as { disconnect?: unknown }).disconnect = undefined;
}

/**
 * A warm worker runs stage after stage: what one stage changes of the process's state — its working folder,
 * its environment — must not reach the next. Each job starts in its cwd; both are put back after it.
 */
function isolate(job: TsStageJob): () => void {
  const cwd = process.cwd();
  const env = { ...process.env };
  process.chdir(job.cwd);
  return () => {
    for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
    for (const [k, v] of Object.entries(env)) if (process.env[k] !== v) process.env[k] = v;
    try {
      process.chdir(cwd);
    } catch {
      /* the folder is gone: the next job changes to its own anyway */
    }
  };
}

async function runJob(job: TsStageJob): Promise<Extract<FromWorker, { type: "done" }>> {
  const fd = openSync(job.log, "w");
  const restore = isolate(job);
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
    if (!existsSync(job.bundle)) {
      // Not the stage's fault, and no stack trace of Node's module loader helps: say what happened.
      const error = `the stage's code bundle is gone (${job.bundle}): was .cache removed while lbg ran? The next build makes it again`;
      writeSync(fd, `${error}\n`);
      return { type: "done", ok: false, error };
    }
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
    const { summary, detail } = describeThrown(e);
    writeSync(fd, `${detail === undefined ? summary : stageStack(e, job.cwd)}\n`);
    grown = true; // a failed stage may have left anything behind
    const at = stageLocation(e, job.cwd);
    return { type: "done", ok: false, error: `${summary}${at ? ` (at ${at})` : ""}` };
  } finally {
    currentLog = undefined;
    process.stdout.write = out;
    process.stderr.write = err;
    closeSync(fd);
    restore();
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

/** V8's full collection, reached without starting the worker with --expose-gc. Array buffers (a stage's large
 *  Buffers) are freed by the collection itself, not later on a background thread: the next stage's peak
 *  memory is measured right after it, and on a busy machine that thread had not yet run (a warm worker then
 *  reported the previous stage's 200 MiB as the next one's peak). */
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString("--expose-gc");
    setFlagsFromString("--no-concurrent-array-buffer-sweeping");
    return runInNewContext("gc") as () => void;
  } catch {
    return () => {};
  }
})();

function fatal(e: unknown): void {
  const { summary, detail } = describeThrown(e);
  if (currentLog !== undefined) {
    try {
      writeSync(currentLog, `${detail === undefined ? summary : stageStack(e, currentRoot)}\n`);
    } catch {
      /* log gone */
    }
  }
  toLbg?.({ type: "done", ok: false, error: `${summary} (uncaught)` } satisfies FromWorker, () => process.exit(1));
  setTimeout(() => process.exit(1), 1000).unref();
}

enableStageSourceMaps();
if (process.argv[2] === "--job") {
  // One-shot mode, for launchers that start a process per stage (srun under Slurm): the job is a JSON file,
  // the exit code says whether the stage succeeded.
  const job = JSON.parse(readFileSync(process.argv[3]!, "utf8")) as TsStageJob;
  process.on("uncaughtException", (e) => {
    const { summary, detail } = describeThrown(e);
    if (currentLog !== undefined)
      writeSync(currentLog, `${detail === undefined ? summary : stageStack(e, currentRoot)}\n`);
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
  answerWorker("introspection", await introspect(process.argv.slice(3)));
  process.exit(0);
} else if (process.argv[2] === "--type-check") {
  await typeCheckMain();
  process.exit(0);
} else if (process.argv[2] === "--validate") {
  answerWorker("validation", await validateConfigs(deserialize(readFileSync(0)) as ValidateRequest[]));
  process.exit(0);
} else {
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);
  process.on("disconnect", () => process.exit(0));
  process.on("message", (m: ToWorker) => {
    if (m.type !== "run") return;
    toLbg?.({ type: "started" } satisfies FromWorker);
    void runJob(m.job).then((reply) => {
      toLbg?.(reply);
      setImmediate(collectIfGrown);
    });
  });
}
