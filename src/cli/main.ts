// The `lbg` command line: parses argv into a request, attaches a reporter, and maps errors to exit codes
// (2: bad input, one line naming file:line or the flag; 1: the build failed; 130/143: interrupted).
import { resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { LbgError, fromCwd } from "../errors/lbg-error.ts";
import { jsonReporter } from "../reporters/json-reporter.ts";
import { plainReporter } from "../reporters/plain-reporter.ts";
import { lazyUiSink, wantsUi, type UiSink } from "../ui/lazy-ui-sink.ts";
import { salloc } from "../slurm/slurm-cli.ts";
import { checkSlurmOption } from "../slurm/check-slurm-option.ts";
import type { WatchSession } from "../watch/watch-session.ts";
import type { BuildFlags } from "../scheduler/build-once.ts";
import { findRoot } from "../project/find-root.ts";
import { isPipelineFileArg, resolveRunRef, type RunRef } from "../project/run-ref.ts";
import { tryNoopShortcut } from "./noop-shortcut.ts";
import { noRunError, normalizeForce, selectionOf, splitRunWords } from "./run-args.ts";
import { addEverydayCommands } from "./everyday-commands.ts";

// Each command's module is imported when that command runs (a chunk of its own in the bundle): a no-op
// build answered by its stamp, `--help` or `--version` then compile only this file, commander and the
// shortcut, not YAML, the stage loaders and the scheduler (~25 ms of every such start).
const commands = {
  accept: () => import("./accept-command.ts"),
  build: () => import("./build-command.ts"),
  cache: () => import("./cache-command.ts"),
  catalog: () => import("./catalog-commands.ts"),
  clean: () => import("./clean-command.ts"),
  dag: () => import("./dag-command.ts"),
  status: () => import("./status-command.ts"),
  submit: () => import("./submit-command.ts"),
  watch: () => import("./watch-command.ts"),
  metrics: () => import("./metrics-command.ts"),
  report: () => import("./report-command.ts"),
  why: () => import("./why-command.ts"),
};

// A reader that goes away (`lbg build x | head`) must not crash a build: stop printing, keep building.
const open = { stdout: true, stderr: true };
process.stdout.on("error", () => (open.stdout = false));
process.stderr.on("error", () => (open.stderr = false));
// Lines for stdout are gathered and written once per event-loop turn: a no-op build of 1,000 stages prints
// 1,000 events, and one write each cost ~20 ms. stderr flushes them first, so the two stay in order.
let pending = "";
function flushOut(): void {
  const s = pending;
  pending = "";
  if (s && open.stdout) process.stdout.write(s);
}
process.on("exit", flushOut);
const out = (s: string) => {
  if (!pending) setImmediate(flushOut);
  pending += s;
};
const err = (s: string) => {
  flushOut();
  if (open.stderr) process.stderr.write(s);
};
let jsonMode = false;

function parseJobs(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new LbgError(`-j ${v}: expected a positive integer`, { file: "-j" });
  return n;
}

function parseTypeCheck(v: string): "error" | "warn" | "off" {
  if (v === "error" || v === "warn" || v === "off") return v;
  throw new LbgError(`--type-check ${v}: expected error, warn or off`, { file: "--type-check" });
}
const TYPE_CHECK_HELP = "a type error in a stage file: error (stop before any stage runs, the default), warn or off";

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `--force` alone forces every selected stage; `--force-stage S` (repeatable, or `--force=S`) those named. */
function buildForce(o: { force?: boolean; forceStage?: string[] }): BuildFlags["force"] {
  if (o.force) return true;
  return o.forceStage?.length ? o.forceStage : undefined;
}

/** `--nodes/--time/--qos` go to salloc: checked like any flag, and meaningless without --salloc. */
function checkAllocationFlags(o: { salloc?: boolean; nodes?: string; time?: string; qos?: string }): void {
  for (const key of ["nodes", "time", "qos"] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (!o.salloc)
      throw new LbgError(`--${key} ${v}: only with --salloc (it sizes the allocation lbg asks for)`, {
        file: `--${key}`,
      });
    checkSlurmOption(key, v, { file: `--${key}` });
  }
}

/** ceci's `-t/--template-parameters key=value ...` (as in ceci, it takes every key=value after it). */
const TEMPLATE_FLAGS = "-t, --template-parameters [key=value...]";
const TEMPLATE_HELP = "template parameters of a ceci pipeline file (Jinja2), e.g. -t field=ecdfs";
const templateParams = (o: { templateParameters?: string[] | boolean }) =>
  Array.isArray(o.templateParameters) ? o.templateParameters : [];

/** Options every command that takes `<run> [targets...]` has: part of the run, and ceci's `-t`. */
interface SelectFlags {
  until?: string[];
  from?: string[];
  templateParameters?: string[] | boolean;
}

/** `<run> [targets or key=value...]` → the run, with ceci's overrides and the selection. With no run, an error
 *  that lists the project's runs. */
function runRef(command: string, usage: string, run: string | undefined, words: string[], o: SelectFlags): RunRef {
  if (run === undefined) throw noRunError(command, usage);
  const { overrides, targets } = splitRunWords(words, isPipelineFileArg(run));
  const ref = resolveRunRef(run, overrides, undefined, templateParams(o));
  const select = selectionOf(targets, o);
  return select ? { ...ref, select } : ref;
}

/** `--until` / `--from`: the same for build, watch, status and dag. */
function selectOptions(c: Command): Command {
  return c
    .option("--until <stage>", "build only this stage (or output tag/file) and what it needs (repeatable)", collect)
    .option(
      "--from <stage>",
      "build only this stage (or what reads this tag/file) and what follows (repeatable)",
      collect,
    );
}

/** `lbg build --salloc`: the same build (argv minus --salloc) inside a fresh allocation. */
function buildInAllocation(args: string[], o: { nodes?: string; time?: string; qos?: string }): number {
  const opts = [o.nodes && `--nodes=${o.nodes}`, o.time && `--time=${o.time}`, o.qos && `--qos=${o.qos}`].filter(
    (x): x is string => !!x,
  );
  return salloc(opts, [process.execPath, resolve(process.argv[1]!), ...withoutAllocationFlags(args)]);
}

/** The build's own arguments: argv minus --salloc and the flags that went to salloc (`--nodes 1`, `--time=30`). */
function withoutAllocationFlags(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      out.push(...args.slice(i));
      break;
    }
    if (a === "--salloc" || /^--(nodes|time|qos)=/.test(a)) continue;
    if (/^--(nodes|time|qos)$/.test(a)) {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Where `lbg build` reports: JSON lines, plain lines, or — in a terminal, once a stage really starts — the
 *  live view. The view is a separate chunk loaded by a dynamic import (see src/ui/lazy-ui-sink.ts), so a
 *  no-op build, a pipe or CI never load Ink and React. `LBG_TRACE_UI=1` says on stderr which it was. */
function buildSink(root: string, o: { json?: boolean; plain?: boolean }): UiSink {
  if (o.json) return { emit: jsonReporter(out), close: async () => {} };
  const trace = process.env.LBG_TRACE_UI ? (line: string) => err(`${line}\n`) : undefined;
  if (!wantsUi({ isTTY: process.stdout.isTTY, json: o.json, plain: o.plain, env: process.env })) {
    trace?.(`lbg: ui: off (${o.plain ? "--plain" : "not a terminal, CI or TERM=dumb"})`);
    return { emit: plainReporter(out), close: async () => {} };
  }
  return lazyUiSink({
    load: async () => (await import("../ui/start-ink-ui.tsx")).startInkUi({ root }),
    fallback: plainReporter(out),
    trace,
    warn: err,
  });
}

function program(setCode: (c: number) => void): Command {
  const p = new Command("lbg")
    .description(
      "Make-style incremental builds for LSST DESC ceci pipelines (runs × pipelines × stages): re-runs exactly the stages whose inputs, config or code changed.",
    )
    .version(pkg.version, "-V, --version")
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      "\nOutput of build: in a terminal, a live view (running stages with their last log line, progress,\nETA) once a stage starts; --plain prints plain lines instead, as in a pipe or CI; --json prints JSON lines.",
    )
    .exitOverride()
    // Commander's own errors (unknown flag, missing argument) become one line like ours.
    .configureOutput({
      writeErr: err,
      writeOut: out,
      outputError: (str, write) => write(`lbg: ${str.trim().replace(/\s*\n\s*/g, " ")}\n`),
    });

  const build = p
    .command("build [run] [targets...]")
    .description(
      "build a run: run every stale stage, in parallel where the graph allows; with targets (stage names, output tags or output files), only those and what they need",
    )
    .option("-j, --jobs <n>", "stage slots (default: site max_threads, else cores)", parseJobs)
    .option("-n, --dry-run", "show what would run and why; run nothing")
    .option("--json", "print events as JSON lines on stdout")
    .option("--plain", "print plain lines even in a terminal (no live view)")
    .option("--force", "re-run every stage the build selects, even if fresh")
    .option("--force-stage <stage>", "re-run this stage even if fresh (repeatable; also --force=<stage>)", collect)
    .option("-k, --keep-going", "after a failure, keep running stages that do not depend on it")
    .option("--site <site>", "site file configs/sites/<site>.yaml (default: the run's, else local)")
    .option("--set <Stage.option=value>", "override a config option (repeatable; value in YAML syntax)", collect)
    .option(TEMPLATE_FLAGS, TEMPLATE_HELP)
    .addOption(new Option("--resume", "incremental build, whatever the run file says"))
    .addOption(new Option("--no-resume", "re-run every stage (ceci's resume: False)"))
    .option("--wait", "if another lbg builds this run, wait for it instead of exiting")
    .option("--type-check <mode>", TYPE_CHECK_HELP, parseTypeCheck)
    .option("--launcher <launcher>", "local, or slurm: each stage a job step (default inside an allocation)")
    .option("--salloc", "request a Slurm allocation (with --nodes/--time/--qos), build inside it, release it")
    .option("--nodes <n>", "with --salloc: nodes")
    .option("--time <time>", "with --salloc: time limit")
    .option("--qos <qos>", "with --salloc: QOS, e.g. debug");
  selectOptions(build).action(
    async (
      run: string | undefined,
      words: string[],
      flags: Omit<BuildFlags, "force"> &
        SelectFlags & {
          force?: boolean;
          forceStage?: string[];
          json?: boolean;
          plain?: boolean;
          salloc?: boolean;
          nodes?: string;
          time?: string;
          qos?: string;
        },
    ) => {
      jsonMode = !!flags.json;
      const ref = runRef("build", "<run> [target...]", run, words, flags);
      const o = { ...flags, force: buildForce(flags) };
      checkAllocationFlags(o);
      if (o.salloc) {
        setCode(buildInAllocation(process.argv.slice(2), o));
        return;
      }
      const sink = buildSink(ref.root, o);
      try {
        setCode(
          (await tryNoopShortcut(ref, o, sink.emit)) ??
            (await (await commands.build()).buildCommand(ref, o, sink.emit)),
        );
      } finally {
        await sink.close();
      }
    },
  );

  const watch = p
    .command("watch [run] [targets...]")
    .description(
      "build, then re-run exactly the affected stages whenever the run's configs, inputs or stage code change (with targets: only those and what they need)",
    )
    .option("-j, --jobs <n>", "stage slots", parseJobs)
    .option("--json", "print events as JSON lines on stdout")
    .option("-k, --keep-going", "after a failure, keep running stages that do not depend on it")
    .option("--site <site>", "site file configs/sites/<site>.yaml")
    .option("--set <Stage.option=value>", "override a config option (repeatable)", collect)
    .option(TEMPLATE_FLAGS, TEMPLATE_HELP)
    .option("--wait", "if another lbg builds this run, wait for it")
    .option("--type-check <mode>", TYPE_CHECK_HELP, parseTypeCheck)
    .option("--plain", "print plain lines even in a terminal (no live view, no keys)");
  selectOptions(watch).action(
    async (
      run: string | undefined,
      words: string[],
      o: BuildFlags & SelectFlags & { json?: boolean; plain?: boolean },
    ) => {
      jsonMode = !!o.json;
      const ref = runRef("watch", "<run> [target...]", run, words, o);
      if (o.json || !wantsUi({ isTTY: process.stdout.isTTY, json: o.json, plain: o.plain, env: process.env })) {
        setCode(await (await commands.watch()).watchCommand(ref, o, o.json ? jsonReporter(out) : plainReporter(out)));
        return;
      }
      // A watch session is long-lived: the live view is loaded up front, with its keys q (quit), r, f.
      const hooks: { session?: WatchSession; quit?: () => void } = {};
      const { startInkUi } = await import("../ui/start-ink-ui.tsx");
      const ui = startInkUi({
        root: ref.root,
        watch: true,
        onQuit: () => hooks.quit?.(),
        onRebuild: () => hooks.session?.rebuild(),
        onForceFailed: () => hooks.session?.forceFailed(),
      });
      try {
        setCode(
          await (await commands.watch()).watchCommand(ref, o, ui.emit, {
            onSession: (session, quit) => Object.assign(hooks, { session, quit }),
          }),
        );
      } finally {
        await ui.close();
      }
    },
  );

  const status = p
    .command("status [run] [targets...]")
    .description(
      "show which stages are fresh or stale, and why; runs nothing (with targets: only those and what they need)",
    )
    .option("--json", 'print {"stages":[{stage,state,reasons}]}')
    .option("--check", "exit status as make -q: 0 every stage fresh, 1 some stage stale, 2 an error")
    .option("--explain", "show every reason (the default output already does)")
    .option("--long", "also what each stage's last run cost: wall and CPU time, peak memory, when (JSON: lastRun)")
    .option("--site <site>", "site file")
    .option("--set <Stage.option=value>", "as for build", collect)
    .option(TEMPLATE_FLAGS, TEMPLATE_HELP);
  selectOptions(status).action(
    async (
      run: string | undefined,
      words: string[],
      o: SelectFlags & { json?: boolean; check?: boolean; long?: boolean; site?: string; set?: string[] },
    ) =>
      setCode(
        await (await commands.status()).statusCommand(
          runRef("status", "<run> [target...]", run, words, o),
          o,
          out,
          err,
        ),
      ),
  );

  p.command("clean [run] [overrides...]")
    .description(
      "remove what lbg made for a run (or, with --all, every run): recorded outputs, in-progress files, logs, records",
    )
    .option(
      "--cache",
      "also remove the run's .cache folder (hash cache); with no run, the stage bundles too (never the run cache: lbg cache gc)",
    )
    .option("-n, --dry-run", "list what would be removed")
    .option("--all", "with no run: clean every run without asking (on a terminal lbg clean asks first)")
    .option("-y, --yes", "the same as --all")
    .option(TEMPLATE_FLAGS, TEMPLATE_HELP)
    .action(
      async (
        run: string | undefined,
        overrides: string[],
        flags: {
          cache?: boolean;
          dryRun?: boolean;
          all?: boolean;
          yes?: boolean;
          templateParameters?: string[] | boolean;
        },
      ) => {
        const o = { ...flags, all: flags.all || flags.yes };
        if (run !== undefined && o.all)
          throw new LbgError(
            `--all: lbg clean ${run} cleans that run only`,
            { file: "--all" },
            "drop --all, or the run",
          );
        const ref = run === undefined ? undefined : resolveRunRef(run, overrides, undefined, templateParams(o));
        setCode(await (await commands.clean()).cleanCommand(ref?.root ?? findRoot(), ref, o, out, err));
      },
    );

  p.command("submit <run> [build-options...]")
    .description("submit `lbg build <run>` as a Slurm batch job (options after -- go to the build)")
    .option("--qos <qos>", "Slurm QOS (default: the site file's)")
    .option("--time <time>", "time limit, e.g. 01:00:00")
    .option("--nodes <n>", "nodes")
    .option("--account <account>", "account")
    .option("--constraint <constraint>", "node constraint, e.g. cpu")
    .option("--partition <partition>", "partition")
    .option("--site <site>", "site file configs/sites/<site>.yaml: batch defaults, and the build's site")
    .action(async (run: string, buildArgs: string[], o: Record<string, string>) =>
      setCode(await (await commands.submit()).submitCommand(resolveRunRef(run), o, buildArgs, out)),
    );

  p.command("cancel <run>")
    .description("cancel the Slurm batch job `lbg submit` made for a run")
    .action(async (run: string) => setCode(await (await commands.submit()).cancelCommand(resolveRunRef(run), out)));

  p.command("accept <run> [stages...]")
    .description("record the current outputs of stale stages (all, or those named) as fresh without running them")
    .option(TEMPLATE_FLAGS, TEMPLATE_HELP)
    .action(async (run: string, stages: string[], o: { templateParameters?: string[] | boolean }) =>
      setCode(
        await (await commands.accept()).acceptCommand(
          resolveRunRef(run, [], undefined, templateParams(o)),
          stages,
          out,
          err,
        ),
      ),
    );

  const dag = p
    .command("dag [run] [targets...]")
    .description("print the stage graph (with targets: those stages and what they need)")
    .option("--format <format>", "dot or mermaid", "dot")
    .option(TEMPLATE_FLAGS, TEMPLATE_HELP);
  selectOptions(dag).action(async (run: string | undefined, words: string[], o: SelectFlags & { format: string }) =>
    setCode(await (await commands.dag()).dagCommand(runRef("dag", "<run> [target...]", run, words, o), o.format, out)),
  );

  p.command("list [what]")
    .description("list stages, pipelines or runs (default: runs)")
    .action(async (what: string | undefined) =>
      setCode(await (await commands.catalog()).listCommand(findRoot(), what ?? "runs", out, err)),
    );

  p.command("describe <stage>")
    .description("show a stage class: inputs, outputs, options with defaults and docs")
    .option("--pipeline <file>", "look in the modules (and python_paths) of this pipeline file, e.g. a ceci pipeline")
    .option(TEMPLATE_FLAGS, "with --pipeline: the file's template parameters, e.g. -t field=ecdfs")
    .action(async (name: string, o: { pipeline?: string; templateParameters?: string[] | boolean }) =>
      setCode(await (await commands.catalog()).describeCommand(name, { ...o, templateParams: templateParams(o) }, out)),
    );

  const cache = p
    .command("cache")
    .description("the run cache: stage outputs by content, restored instead of re-running a stage (see README)");
  cache
    .command("status")
    .description("size, entries and the hit rate of the last builds")
    .option("--site <site>", "the cache of this site file's cache_dir (default: the project's, or local's)")
    .option("--json", "print one JSON object")
    .action(async (o: { site?: string; json?: boolean }) =>
      setCode(await (await commands.cache()).cacheStatusCommand(findRoot(), o, out, err)),
    );
  cache
    .command("gc")
    .description("remove entries unused for --keep-days, then the least recently used beyond --max-size")
    .option("--max-size <size>", "keep at most this much, e.g. 20G (0 empties the cache)")
    .option("--keep-days <n>", "remove entries not used for n days")
    .option("--site <site>", "the cache of this site file's cache_dir")
    .option("-n, --dry-run", "say what would be removed")
    .action(async (o: { site?: string; maxSize?: string; keepDays?: string; dryRun?: boolean }) =>
      setCode(await (await commands.cache()).cacheGcCommand(findRoot(), o, out, err)),
    );

  p.command("metrics <run> [overrides...]")
    .description("show a run's metrics, flattened; --diff another run or --previous: what changed")
    .option("--diff <other-run>", "compare with another run's metrics")
    .option("--previous", "compare with the metrics before the last build that changed them")
    .option("--all", "with --diff/--previous: list unchanged metrics too")
    .option("--json", "print one JSON object")
    .option(TEMPLATE_FLAGS, TEMPLATE_HELP)
    .action(
      async (
        run: string,
        overrides: string[],
        o: {
          diff?: string;
          previous?: boolean;
          all?: boolean;
          json?: boolean;
          templateParameters?: string[] | boolean;
        },
      ) =>
        setCode(
          await (await commands.metrics()).metricsCommand(
            resolveRunRef(run, overrides, undefined, templateParams(o)),
            { ...o, templateParams: templateParams(o) },
            out,
            err,
          ),
        ),
    );

  p.command("report <run> [overrides...]")
    .description("write one self-contained HTML file about a run: graph, stages, plots, metrics, provenance")
    .option("-o, --output <file>", "where to write it (default: beside the run's output folder, report.html)")
    .option(TEMPLATE_FLAGS, TEMPLATE_HELP)
    .action(async (run: string, overrides: string[], o: { output?: string; templateParameters?: string[] | boolean }) =>
      setCode(
        await (await commands.report()).reportCommand(
          resolveRunRef(run, overrides, undefined, templateParams(o)),
          o,
          out,
          err,
        ),
      ),
    );

  p.command("why <file>")
    .description("which stage made a file: its code, config (and where each value came from), inputs, host, time")
    .option("--deep", "also every stage upstream, down to the run inputs")
    .option("--json", "print the answer as one JSON object")
    .action(async (file: string, o: { deep?: boolean; json?: boolean }) =>
      setCode(await (await commands.why()).whyCommand(file, o, out, err)),
    );

  // init, new stage, logs, completion, help <topic> (src/cli/everyday-commands.ts)
  addEverydayCommands(p, setCode, out, err);

  return p;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  try {
    await program((c) => (code = c)).parseAsync(normalizeForce(argv), { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")
        return 0;
      return 2; // commander already printed its one-line message
    }
    if (e instanceof LbgError) {
      const msg = e.format(fromCwd);
      if (jsonMode)
        out(
          `${JSON.stringify({ event: "build-end", ok: false, succeeded: 0, failed: 0, fresh: 0, blocked: 0, cancelled: 0, seconds: 0, error: msg })}\n`,
        );
      err(`lbg: error: ${msg}\n`);
      return e.exitCode;
    }
    const ex = e as NodeJS.ErrnoException;
    const msg =
      ex?.code === "EACCES" || ex?.code === "EPERM"
        ? `permission denied: ${ex.path ?? ex.message}`
        : ex?.code === "ENOSPC"
          ? `no space left on device${ex.path ? `: ${ex.path}` : ""}`
          : `internal error: ${ex?.message ?? String(e)}`;
    if (jsonMode)
      out(
        `${JSON.stringify({ event: "build-end", ok: false, succeeded: 0, failed: 0, fresh: 0, blocked: 0, cancelled: 0, seconds: 0, error: msg })}\n`,
      );
    err(`lbg: error: ${msg}${process.env.LBG_DEBUG ? `\n${ex?.stack}` : ""}\n`);
    return ex?.code === "EACCES" || ex?.code === "EPERM" || ex?.code === "ENOSPC" ? 1 : 70;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Anything left open (an idle worker that ignores disconnect) must not keep lbg alive.
setTimeout(() => process.exit(code), 2000).unref();
