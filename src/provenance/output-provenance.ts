// What lbg knows about how a file came to be, from the stage records (`lbg why <file>`; also the report's
// provenance of each output). Honest by content: a file is "made by lbg" only while its content hash is the
// one lbg recorded; otherwise it is "changed since lbg made it", or "not made by lbg" (perhaps identical to
// an output lbg made elsewhere, or a run input).
//
// `lbg why --json` prints one WhyAnswer:
//   { "file": "results/photoz_sim/outputs/photoz_metrics.yml", "state": "made" | "changed" | "missing" | "not-made",
//     "hash": "<xxh64 now, or null when the file does not exist>",
//     "made": StageProvenance,            // the record that claims the path (absent for not-made)
//     "sameContentAs": [{ "run", "stage", "tag", "path" }],   // not-made: lbg outputs with the same content
//     "readBy": [{ "run", "stage", "tag" }],                    // not-made: stages that read it as a run input
//     "inside": { "run", "stage", "tag", "path" },              // not-made: a file inside a directory output
//     "upstream": [StageProvenance],      // --deep: every stage upstream, nearest first, each once
//     "runInputs": [{ "tag", "path", "hash", "now": "unchanged" | "changed" | "missing", "readBy": ["<stage>"] }], // --deep
//     "gaps": ["<what could not be traced, and why>"] }                                                              // --deep
import { fromTaggedJson, plainValue, showValue, toTaggedJson } from "../config/py-value.ts";
import type { ConfigProvenance, RestoredFrom, StageRecord, StageResources } from "../store/stage-record.ts";
import type { IndexedRecord, RecordIndex } from "./record-index.ts";

/** One stage run as recorded. Times are ISO strings, `seconds` its wall time. */
export interface StageProvenance {
  run: string;
  stage: string;
  /** `<module>:<class>`. */
  class: string;
  /** Output tag → path and the hash lbg recorded. */
  outputs: Record<string, { path: string; hash: string }>;
  /** Code file (or `python-package:…`, `container:…` entry) → hash or version. */
  code: Record<string, string>;
  /** Option → effective value, the rule that chose it and where it is written (absent in older records).
   *  `value` is plain JSON where JSON can hold it (a Python float 2.0 is 2), tagged JSON where it cannot
   *  ({"!!float": "nan"}, see src/config/py-value.ts); `shown`, only where JSON would say it otherwise, is the
   *  value as Python writes it (2.0, nan, [1.0, 2]). */
  config: Record<string, { value: unknown; shown?: string } & Partial<ConfigProvenance>>;
  /** Input tag → path, recorded hash, and the stage that made it (`null`: a run input; absent: not recorded). */
  inputs: Record<string, { path: string; hash: string; madeBy?: string | null }>;
  finishedAt: string;
  seconds: number;
  startedAt?: string;
  host?: string;
  user?: string;
  lbgVersion?: string;
  /** Why it ran (the staleness reasons of that build). */
  reasons?: string[];
  command?: string;
  /** Written by `lbg accept`: no stage ran, the outputs on disk were recorded as they were. */
  accepted?: true;
  /** The run whose build made the outputs, when not `run` (a record whose outputs came from another run's
   *  build, e.g. restored from a run cache with the provenance of the build that made them). */
  builtInRun?: string;
  /** The outputs were restored from a run cache, made by that earlier build (no stage ran). */
  restored?: RestoredFrom;
  /** What making the outputs cost: wall and CPU seconds, peak memory in bytes (for a restore: the build's). */
  resources?: StageResources;
  /** Fields the record carries beyond these, shown as they are. */
  extra?: Record<string, unknown>;
  /** The record predates provenance (lbg < 0.2): host, times of start, config sources and producers unknown. */
  noProvenance?: true;
}

export interface WhyAnswer {
  file: string;
  state: "made" | "changed" | "missing" | "not-made";
  hash: string | null;
  made?: StageProvenance;
  sameContentAs?: { run: string; stage: string; tag: string; path: string }[];
  readBy?: { run: string; stage: string; tag: string }[];
  inside?: { run: string; stage: string; tag: string; path: string };
  upstream?: StageProvenance[];
  runInputs?: { tag: string; path: string; hash: string; now: "unchanged" | "changed" | "missing"; readBy: string[] }[];
  gaps?: string[];
}

const KNOWN = new Set([
  "v",
  "stage",
  "fingerprint",
  "fingerprintHash",
  "outputs",
  "finishedAt",
  "seconds",
  "made",
  "restored",
  "resources",
  // The scheduler's bookkeeping for the next run's time estimate (src/scheduler/stage-work.ts), not provenance.
  "work",
]);

export function stageProvenance({ run, record }: IndexedRecord): StageProvenance {
  const fp = record.fingerprint;
  const made = record.made;
  const config: StageProvenance["config"] = {};
  for (const [k, tagged] of Object.entries(fp.config ?? {})) {
    const value = fromTaggedJson(tagged);
    const json = toTaggedJson(plainValue(value));
    const words = showValue(value);
    const shown = words === JSON.stringify(json) ? {} : { shown: words };
    config[k] = { value: json, ...shown, ...(made?.config?.[k] ?? {}) };
  }
  const inputs: StageProvenance["inputs"] = {};
  for (const [tag, i] of Object.entries(fp.inputs ?? {}))
    inputs[tag] = { path: i.path, hash: i.hash, ...(made ? { madeBy: made.producers?.[tag] ?? null } : {}) };
  const extra = Object.fromEntries(Object.entries(record).filter(([k]) => !KNOWN.has(k)));
  const { restored, resources } = record;
  return {
    run,
    stage: record.stage,
    class: fp.class,
    outputs: record.outputs,
    code: fp.code ?? {},
    config,
    inputs,
    finishedAt: record.finishedAt,
    seconds: record.seconds,
    ...(made
      ? {
          startedAt: made.startedAt,
          host: made.host,
          ...(made.user ? { user: made.user } : {}),
          lbgVersion: made.lbgVersion,
          reasons: made.reasons,
          ...(made.command ? { command: made.command } : {}),
          ...(made.accepted ? { accepted: true as const } : {}),
          ...(made.run && made.run !== run ? { builtInRun: made.run } : {}),
        }
      : restored
        ? // A restore without the building run's provenance: who built it is still known.
          {
            host: restored.host,
            ...(restored.user ? { user: restored.user } : {}),
            ...(restored.run !== run ? { builtInRun: restored.run } : {}),
          }
        : { noProvenance: true as const }),
    ...(restored && typeof restored === "object" ? { restored } : {}),
    ...(resources && typeof resources === "object" ? { resources } : {}),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

/** The record that claims `path`: the one whose recorded hash is the content now, else the newest. */
function claimant(
  index: RecordIndex,
  path: string,
  hash: string | null,
): { rec: IndexedRecord; tag: string } | undefined {
  const claims = index.byPath(path);
  if (claims.length === 0) return undefined;
  const exact = claims.find((c) => c.record.outputs[c.tag]?.hash === hash);
  const pick = exact ?? [...claims].sort((a, b) => (a.record.finishedAt < b.record.finishedAt ? 1 : -1))[0]!;
  return { rec: pick, tag: pick.tag };
}

/**
 * `path` relative to the root; `hashNow(path)` the content hash now (null when missing). `deep` walks the
 * inputs upstream: each input's maker is the record (of the producer the record names, in the same run
 * first) whose output has exactly the hash that was read.
 */
export function explainOutput(
  index: RecordIndex,
  path: string,
  hashNow: (path: string) => string | null,
  deep: boolean,
): WhyAnswer {
  const hash = hashNow(path);
  const claim = claimant(index, path, hash);
  if (!claim) {
    const same = hash
      ? index
          .byHash(hash)
          .map((c) => ({ run: c.run, stage: c.record.stage, tag: c.tag, path: c.record.outputs[c.tag]!.path }))
      : [];
    const readBy = index.readersOf(path);
    const inside = enclosingOutput(index, path);
    return {
      file: path,
      state: "not-made",
      hash,
      ...(same.length ? { sameContentAs: same } : {}),
      ...(readBy.length ? { readBy } : {}),
      ...(inside ? { inside } : {}),
    };
  }
  const recorded = claim.rec.record.outputs[claim.tag]!.hash;
  const answer: WhyAnswer = {
    file: path,
    state: hash === null ? "missing" : hash === recorded ? "made" : "changed",
    hash,
    made: stageProvenance(claim.rec),
  };
  if (deep) Object.assign(answer, walkUpstream(index, claim.rec, hashNow));
  return answer;
}

/** The directory output (of any run) that `path` lies in: lbg records such an output as a whole. */
function enclosingOutput(index: RecordIndex, path: string): WhyAnswer["inside"] {
  for (let dir = path; dir.includes("/"); ) {
    dir = dir.slice(0, dir.lastIndexOf("/"));
    const c = index.byPath(dir)[0];
    if (c) return { run: c.run, stage: c.record.stage, tag: c.tag, path: dir };
  }
  return undefined;
}

function walkUpstream(
  index: RecordIndex,
  start: IndexedRecord,
  hashNow: (path: string) => string | null,
): Pick<WhyAnswer, "upstream" | "runInputs" | "gaps"> {
  const seen = new Set<string>([`${start.run}\0${start.record.fingerprintHash}`]);
  const upstream: StageProvenance[] = [];
  const runInputs = new Map<string, NonNullable<WhyAnswer["runInputs"]>[number]>();
  const gaps: string[] = [];
  const queue: IndexedRecord[] = [start];
  while (queue.length > 0) {
    const cur = queue.shift()!;
    for (const [tag, input] of Object.entries(cur.record.fingerprint.inputs ?? {})) {
      const producer = cur.record.made ? cur.record.made.producers?.[tag] : undefined;
      const maker = findMaker(index, cur.run, producer, input);
      if (maker) {
        const key = `${maker.run}\0${maker.record.fingerprintHash}`;
        if (!seen.has(key)) {
          seen.add(key);
          upstream.push(stageProvenance(maker));
          queue.push(maker);
        }
        continue;
      }
      // A record without provenance does not name producers: a path some stage records as its output is
      // not taken for a run input.
      const claimedBy = producer ?? (cur.record.made ? undefined : index.byPath(input.path)[0]?.record.stage);
      if (claimedBy) {
        const now = index.get(cur.run, claimedBy);
        gaps.push(
          now
            ? `${cur.record.stage} read ${input.path} (${input.hash}) made by ${claimedBy}, which has been re-run since: the record of the version it read is gone`
            : `${cur.record.stage} read ${input.path} made by ${claimedBy}, which has no record now (cleaned, or never recorded)`,
        );
        continue;
      }
      const prev = runInputs.get(input.path);
      if (prev) {
        if (!prev.readBy.includes(cur.record.stage)) prev.readBy.push(cur.record.stage);
        continue;
      }
      const h = hashNow(input.path);
      runInputs.set(input.path, {
        tag,
        path: input.path,
        hash: input.hash,
        now: h === null ? "missing" : h === input.hash ? "unchanged" : "changed",
        readBy: [cur.record.stage],
      });
    }
  }
  return { upstream, runInputs: [...runInputs.values()], gaps };
}

/** The record that made exactly the content a stage read: the named producer in the same run first, then any
 *  stage of any run that recorded this path with this hash. Undefined: nothing recorded made it (a run input
 *  when no producer is named). */
function findMaker(
  index: RecordIndex,
  run: string,
  producer: string | undefined,
  input: { path: string; hash: string },
): IndexedRecord | undefined {
  const matches = (r: StageRecord) =>
    Object.values(r.outputs).some((o) => o.path === input.path && o.hash === input.hash);
  if (producer) {
    const own = index.get(run, producer);
    if (own && matches(own.record)) return own;
  }
  return index.byPath(input.path).find((c) => c.record.outputs[c.tag]!.hash === input.hash);
}
