// Wires stage instances by their (aliased) tags into a DAG, and rejects what cannot be built:
// cycles (named), two producers of one tag, inputs nobody provides, tags both produced and given as run
// inputs, output paths that would leave output_dir or that two outputs share
// (output-claims.ts), output or log folders lbg must not fill (check-run-folders.ts), and MPI ranks for a
// Python class that is not parallel. MPI ranks for a TypeScript stage (one process) are a warning. An alias of a
// tag the class lacks is ignored, as ceci ignores it, with a warning at the alias.
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { didYouMean, suggest } from "../errors/did-you-mean.ts";
import type { RunModel, StageEntry } from "../config/run-model.ts";
import type { Warn } from "../config/check-value.ts";
import { effectiveConfig, type ConfigSourceKind, type SetOverride } from "../stages/effective-config.ts";
import { inprogressName, isMetricsType, outputFileName, type StageMeta } from "../stages/stage-meta.ts";
import { checkRunFolders, notAFolder } from "./check-run-folders.ts";
import { OutputClaims } from "./output-claims.ts";
import { hasControlChars } from "../fs/has-control-chars.ts";

export interface InputEdge {
  /** Tag as the class declares it (what the stage process is told). */
  tag: string;
  /** Tag after aliases (what wires the graph). */
  alias: string;
  type: string;
  path: string;
  /** Instance producing it, or undefined for a run input. */
  producer?: string;
  /** A run input given as `none` (NO_FILE_PATHS): no file, only the word passed to the stage. */
  noFile?: boolean;
}

export interface OutputFile {
  tag: string;
  alias: string;
  type: string;
  /** Final path. */
  path: string;
  /** Where the stage writes before lbg renames it (ceci's `inprogress_` prefix). */
  inprogress: string;
  /** A metrics file (the class's `static metrics` or the entry's `metrics:`): read by `lbg metrics`. */
  metrics?: true;
}

export interface StageNode {
  name: string;
  entry: StageEntry;
  meta: StageMeta;
  inputs: InputEdge[];
  outputs: OutputFile[];
  config: Record<string, unknown>;
  configOrigin: Record<string, SourcePos>;
  /** Which rule chose each option's value (--set, section, global, default): recorded for `lbg why`. */
  configSource?: Record<string, ConfigSourceKind>;
}

export interface StageGraph {
  nodes: Map<string, StageNode>;
  /** Topological order, ties broken by pipeline order. */
  order: string[];
  dependants: Map<string, string[]>;
}

function checkInside(outputDir: string, name: string, pos: SourcePos, what: string): string {
  // join() normalizes, so the output stays inside exactly when it still starts with output_dir + "/"
  // (string tests: relative() would resolve against the working directory for each of thousands of outputs).
  const p = join(outputDir, name);
  if (isAbsolute(name) || !p.startsWith(join(outputDir, sep))) {
    throw new LbgError(
      `${what} would write outside output_dir (${name})`,
      pos,
      "use a plain file name; outputs always live in the run's output_dir",
    );
  }
  // `sub/`, `sub/.` or `a/..`: no file name of its own (it would be a folder other outputs live in).
  if (/(^|\/)\.{0,2}$/.test(name))
    throw new LbgError(`${what} does not end in a file name (${name})`, pos, "name the file, e.g. sub/total.txt");
  const bad = fileNameProblem(name);
  if (bad) throw new LbgError(`${what}: ${bad}`, pos, "name the file, e.g. sub/total.txt");
  return p;
}

/** An output named like lbg's own files beside outputs; checked once the output's claims are made, so an
 *  actual clash with another output's in-progress file is reported as that. */
function checkNotReserved(name: string, pos: SourcePos, what: string): void {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const reserved = RESERVED.find((r) => base.startsWith(r));
  if (reserved)
    throw new LbgError(
      `${what}: file name ${base} starts with '${reserved}', which lbg uses for its own files beside outputs`,
      pos,
      "name the file, e.g. sub/total.txt",
    );
}

// lbg's own names beside an output (finish-stage.ts): an output called like one would be removed or
// overwritten by another output's build.
const RESERVED = ["inprogress_", ".lbg-previous-"];
/** The longest file name lbg may give an output: the `.lbg-previous-` copy must still fit in 255 bytes. */
const MAX_NAME_BYTES = 255 - ".lbg-previous-".length;

/** A name as messages show it: long ones cut (the error line must stay one short line). */
function clip(name: string): string {
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}

/** Why a file name (relative to output_dir) cannot be an output's, or undefined. */
function fileNameProblem(name: string): string | undefined {
  if (hasControlChars(name)) return `file name ${JSON.stringify(name)} contains control characters`;
  for (const part of name.split("/")) {
    if (Buffer.byteLength(part) > MAX_NAME_BYTES)
      return `file name ${part.slice(0, 40)}... is ${Buffer.byteLength(part)} bytes long (at most ${MAX_NAME_BYTES})`;
  }
  return undefined;
}

export function buildGraph(run: RunModel, metas: Map<string, StageMeta>, sets: SetOverride[], warn: Warn): StageGraph {
  checkRunFolders(run);
  const nodes = new Map<string, StageNode>();
  const producers = new Map<string, string>();
  const claims = new OutputClaims(run.root, run.outputDir);
  /** Per stage, the aliases ignored because the class has no such tag (named again if an input is missing). */
  const ignored = new Map<string, string[]>();
  const names: { name: string; pos: SourcePos; what: string }[] = [];

  for (const entry of run.stages) {
    const meta = metas.get(entry.name)!;
    for (const [from, to] of Object.entries(entry.aliases)) {
      if (!Object.hasOwn(meta.inputs, from) && !Object.hasOwn(meta.outputs, from)) {
        const hint = suggest(from, [...Object.keys(meta.inputs), ...Object.keys(meta.outputs)], "tags");
        ignored.set(entry.name, [...(ignored.get(entry.name) ?? []), `'${from}: ${to}'${hint ? ` (${hint})` : ""}`]);
        warn(
          new LbgError(
            `alias '${from}: ${to}' of stage '${entry.name}': class ${meta.name} has no tag '${from}'; ignored, as ceci does`,
            entry.aliasPos?.[from] ?? entry.pos,
            hint,
          ),
        );
      }
    }
    if (meta.kind === "python" && !meta.parallel && entry.nprocess > 1) {
      // ceci's stage refuses --mpi when the class is not parallel; say so before anything runs.
      throw new LbgError(
        `stage '${entry.name}' has nprocess: ${entry.nprocess}, but class ${meta.name} is not parallel (parallel = False)`,
        entry.nprocessPos ?? entry.pos,
        "remove nprocess (or set it to 1): the class runs as one process",
      );
    }
    if (meta.kind === "ts" && entry.nprocess > 1) {
      // Nothing fails, but the user may expect MPI ranks: a TypeScript stage is one process (ctx.nprocess says N).
      warn(
        new LbgError(
          `stage '${entry.name}' has nprocess: ${entry.nprocess}, but class ${meta.name} is a TypeScript stage, which runs as one process`,
          entry.nprocessPos ?? entry.pos,
          "for several cores set threads_per_process (it reserves as many slots); nprocess only reaches the stage as ctx.nprocess",
        ),
      );
    }
    const cfg = effectiveConfig(entry, meta, run.stageConfig, sets, warn);
    const outputs: OutputFile[] = Object.entries(meta.outputs).map(([tag, type]) => {
      const alias = entry.aliases[tag] ?? tag;
      const override = cfg.outputNames[tag];
      const name = override ? override.name : outputFileName(alias, type);
      const path = checkInside(
        run.outputDir,
        name,
        override?.pos ?? entry.pos,
        override
          ? `output name override '${tag}: ${clip(name)}'`
          : `output tag '${clip(alias)}' of stage '${entry.name}'`,
      );
      const inprogress = join(run.outputDir, inprogressName(name));
      // A folder of the output's path that exists as a file: found now, not when the stage starts.
      const blocked = name.lastIndexOf("/") > 0 ? notAFolder(run.root, dirname(path)) : undefined;
      if (blocked)
        throw new LbgError(
          `${override ? `output name override '${tag}: ${clip(name)}'` : `output tag '${clip(alias)}' of stage '${entry.name}'`}: folder ${relative(run.root, dirname(path))} ${blocked}`,
          override?.pos ?? entry.pos,
          "remove what is in the way, or choose another file name",
        );
      return { tag, alias, type, path, inprogress };
    });
    markMetrics(entry, meta, outputs);
    for (const o of outputs) {
      const prev = producers.get(o.alias);
      if (prev) {
        throw new LbgError(
          `tag '${o.alias}' is produced by two stages: '${prev}' and '${entry.name}'`,
          entry.pos,
          `give one of them an alias, e.g. aliases: {${o.tag}: ${o.alias}_${entry.name}}`,
        );
      }
      producers.set(o.alias, entry.name);
      const inRun = run.inputs.get(o.alias);
      if (inRun)
        throw new LbgError(
          `tag '${o.alias}' is both an output of stage '${entry.name}' and a run input`,
          inRun.pos,
          "remove it from the run's inputs or alias the stage's output",
        );
      const override = cfg.outputNames[o.tag];
      const claim = {
        what: `output '${o.tag}' of stage '${entry.name}'`,
        pos: override?.pos ?? entry.pos,
        chosen: !!override,
      };
      claims.claim(o.path, claim);
      claims.claim(o.inprogress, {
        ...claim,
        what: `the in-progress file of output '${o.tag}' of stage '${entry.name}'`,
      });
      names.push({
        name: relative(run.outputDir, o.path),
        pos: claim.pos,
        what: override
          ? `output name override '${o.tag}: ${clip(override.name)}'`
          : `output tag '${clip(o.alias)}' of stage '${entry.name}'`,
      });
    }
    // Logs (`<log_dir>/<instance>.out`, as the scheduler names them) in output_dir must not be outputs: the log
    // would overwrite the output at every build.
    const log = join(run.logDir, `${entry.name}.out`);
    if (log.startsWith(join(run.outputDir, sep)))
      claims.claim(log, {
        what: `the log of stage '${entry.name}'`,
        pos: run.folderPos?.log_dir ?? entry.pos,
        chosen: false,
      });
    nodes.set(entry.name, {
      name: entry.name,
      entry,
      meta,
      inputs: [],
      outputs,
      config: cfg.values,
      configOrigin: cfg.origin,
      configSource: cfg.source,
    });
  }

  // Once every output is claimed, so that an actual clash with another output's in-progress file is said as
  // that: names only lbg's own files should have.
  for (const n of names) checkNotReserved(n.name, n.pos, n.what);

  // A run input that is some stage's output file would be read with no edge to wait for its writer.
  for (const [tag, input] of run.inputs) {
    if (input.noFile) continue;
    const owner = claims.owner(input.path);
    if (owner)
      throw new LbgError(
        `run input '${tag}' is the file of ${owner.what}: ${relative(run.root, input.path)}`,
        input.pos,
        "wire the stage's output tag instead of listing its file under 'inputs:'",
      );
  }

  const missing = new Map<string, string[]>();
  for (const node of nodes.values()) {
    for (const [tag, type] of Object.entries(node.meta.inputs)) {
      const alias = node.entry.aliases[tag] ?? tag;
      const producer = producers.get(alias);
      if (producer) {
        const out = nodes.get(producer)!.outputs.find((o) => o.alias === alias)!;
        node.inputs.push({ tag, alias, type, path: out.path, producer });
      } else if (run.inputs.has(alias)) {
        const input = run.inputs.get(alias)!;
        node.inputs.push({ tag, alias, type, path: input.path, ...(input.noFile ? { noFile: true } : {}) });
      } else {
        missing.set(alias, [...(missing.get(alias) ?? []), node.name]);
      }
    }
  }
  if (missing.size > 0) {
    const [tag, needers] = [...missing.entries()][0]!;
    const aliased = missingUnderAlias(nodes, tag, needers);
    if (aliased) throw aliased;
    const more = missing.size > 1 ? ` (and ${missing.size - 1} more: ${[...missing.keys()].slice(1).join(", ")})` : "";
    const slip = needers.find((n) => ignored.has(n));
    throw new LbgError(
      `input '${tag}' is needed by stage${needers.length > 1 ? "s" : ""} ${needers.join(", ")} but no stage produces it and the run does not list it${more}`,
      { file: run.file, line: undefined },
      slip
        ? `stage ${slip} has an alias of a tag its class lacks, which is ignored: ${ignored.get(slip)!.join(", ")}`
        : `add '${tag}: <path>' under 'inputs:' in ${relative(run.root, run.file)}, or add the stage that makes it`,
    );
  }

  const dependants = new Map<string, string[]>([...nodes.keys()].map((k) => [k, []]));
  for (const node of nodes.values()) {
    for (const p of new Set(node.inputs.map((i) => i.producer).filter((x): x is string => !!x)))
      dependants.get(p)!.push(node.name);
  }
  return { nodes, order: topoOrder(nodes), dependants };
}

/**
 * An input no stage produces under its name, while some stage makes that very tag of its class under an
 * alias (EstimatePhotoz's `photoz_estimates`, written as `target_photoz`), or a tag close to it: the fix is an
 * alias on the reader's entry, and the error says which line to add, at that entry.
 */
function missingUnderAlias(nodes: Map<string, StageNode>, tag: string, needers: string[]): LbgError | undefined {
  const reader = nodes.get(needers[0]!)!;
  const classTag = Object.entries(reader.entry.aliases).find(([, to]) => to === tag)?.[0] ?? tag;
  const makers: { stage: string; alias: string }[] = [];
  for (const n of nodes.values())
    for (const o of n.outputs)
      if (o.tag === classTag && o.alias !== tag) makers.push({ stage: n.name, alias: o.alias });
  const line = (alias: string) => `aliases: {${classTag}: ${alias}}`;
  const readers = `stage${needers.length > 1 ? "s" : ""} ${needers.join(", ")}`;
  if (makers.length > 0) {
    const named = makers.map((m, i) => `${m.stage} ${i === 0 ? "makes it as" : "as"} '${m.alias}'`).join(", ");
    return new LbgError(
      `input '${tag}' of ${readers} is made by no stage under that name: ${named}`,
      reader.entry.pos,
      `to read ${makers.length > 1 ? "one of them" : "it"}, add to the entry of ${reader.name}: ${line(makers[makers.length - 1]!.alias)}`,
    );
  }
  // A slip of a tag (`photoz_estimate`), not a longer tag of the same words or the readers' own outputs.
  const produced = [...nodes.values()]
    .filter((n) => !needers.includes(n.name))
    .flatMap((n) => n.outputs.map((o) => ({ stage: n.name, alias: o.alias })));
  const close = didYouMean(
    tag,
    produced.map((p) => p.alias),
  );
  if (!close || Math.abs(close.length - tag.length) > 2) return undefined;
  const maker = produced.find((p) => p.alias === close)!;
  return new LbgError(
    `input '${tag}' of ${readers} is made by no stage and the run does not list it`,
    reader.entry.pos,
    `stage ${maker.stage} makes '${close}': if that is the file, add to the entry of ${reader.name}: ${line(close)}`,
  );
}

/** Flags the outputs the class or the pipeline entry (`metrics:`, by class or aliased tag) call metrics. */
function markMetrics(entry: StageEntry, meta: StageMeta, outputs: OutputFile[]): void {
  for (const tag of meta.metrics ?? []) {
    const o = outputs.find((x) => x.tag === tag);
    if (o) o.metrics = true;
  }
  for (const m of entry.metrics ?? []) {
    const o = outputs.find((x) => x.alias === m.tag) ?? outputs.find((x) => x.tag === m.tag);
    if (!o)
      throw new LbgError(
        `metrics: '${m.tag}' is not an output of stage '${entry.name}' (class ${meta.name})`,
        m.pos,
        suggest(m.tag, [...outputs.map((x) => x.alias)], "outputs") ??
          `its outputs: ${outputs.map((x) => x.alias).join(", ") || "none"}`,
      );
    if (!isMetricsType(o.type))
      throw new LbgError(
        `metrics: output '${m.tag}' of stage '${entry.name}' is ${o.type ? `a ${o.type} file` : "not a YAML file"}; metrics are read from YAML or JSON outputs`,
        m.pos,
      );
    o.metrics = true;
  }
}

function topoOrder(nodes: Map<string, StageNode>): string[] {
  const order: string[] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    const s = state.get(n);
    if (s === 2) return;
    if (s === 1) {
      const cycle = [...stack.slice(stack.indexOf(n)), n];
      throw new LbgError(
        `dependency cycle: ${cycle.join(" → ")}`,
        nodes.get(n)!.entry.pos,
        "a stage cannot (indirectly) read its own output",
      );
    }
    state.set(n, 1);
    stack.push(n);
    const deps = new Set(
      nodes
        .get(n)!
        .inputs.map((i) => i.producer)
        .filter((x): x is string => !!x),
    );
    for (const d of deps) visit(d);
    stack.pop();
    state.set(n, 2);
    order.push(n);
  };
  for (const n of nodes.keys()) visit(n);
  return order;
}
