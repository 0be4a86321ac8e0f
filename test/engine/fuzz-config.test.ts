// Seeded fuzzing of valid configs: thousands of random mutations of the run, pipeline and stage-config
// files (structural and textual), loaded the way every command loads them. Whatever the input, loading must
// end in a model or an LbgError (one positioned line), never any other exception.
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LbgError } from "../../src/errors/lbg-error.ts";
import { YamlFile } from "../../src/config/yaml-file.ts";
import { checkRunInputs } from "../../src/project/check-run-inputs.ts";
import { loadProject } from "../../src/project/load-project.ts";
import { predictRun } from "../../src/plan/predict-run.ts";
import { RecordStore } from "../../src/store/record-store.ts";
import { TempProject } from "../helpers/temp-project.ts";

const FILES = [
  "configs/runs/numbers.yaml",
  "configs/pipelines/numbers/pipeline.yaml",
  "configs/pipelines/numbers/config.yaml",
];
const CASES = 3000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIRD: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e300,
  "",
  " ",
  "../..",
  "/etc/passwd",
  "$NOPE_UNSET",
  "${HOME}",
  "<run>",
  "a b",
  "ü",
  true,
  false,
  [],
  {},
  [1, 2],
  { a: 1 },
  "SumNumbers",
  "numbers",
  "txt",
  "lbg_stages",
  "x".repeat(300),
];

function mutateValue(v: unknown, r: () => number, depth = 0): unknown {
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  if (depth > 3 || r() < 0.25) return pick(WEIRD);
  if (Array.isArray(v)) {
    const a = [...v];
    const op = r();
    if (op < 0.05)
      a.push(a); // a list that contains itself: stringify writes it as `&a1 [..., *a1]`
    else if (op < 0.3 && a.length) a.splice(Math.floor(r() * a.length), 1);
    else if (op < 0.5 && a.length) a.push(a[Math.floor(r() * a.length)]);
    else if (a.length) {
      const i = Math.floor(r() * a.length);
      a[i] = mutateValue(a[i], r, depth + 1);
    } else a.push(pick(WEIRD));
    return a;
  }
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    const op = r();
    if (op < 0.05)
      o[pick([...keys, "zzz"])] = o; // a mapping that contains itself (an anchor/alias cycle)
    else if (op < 0.2 && keys.length) delete o[pick(keys)];
    else if (op < 0.35)
      o[
        pick([
          "name",
          "classname",
          "aliases",
          "nprocess",
          "inputs",
          "stages",
          "modules",
          "config",
          "global",
          "resume",
          "n",
          "fail",
          "numbers",
          "text",
          "count",
          "site",
          "output_dir",
          "zzz",
        ])
      ] = pick(WEIRD);
    else if (op < 0.45 && keys.length) {
      const k = pick(keys);
      o[`${k}x`] = o[k];
      delete o[k];
    } else if (keys.length) {
      const k = pick(keys);
      o[k] = mutateValue(o[k], r, depth + 1);
    }
    return o;
  }
  return pick(WEIRD);
}

/** Anchor/alias texts, some of them values that contain themselves, and merge keys of all kinds. */
const ALIASED = [
  "&a [*a]",
  "&a {x: *a}",
  "&a [1, [*a]]",
  "&b {c: &a [*b]}",
  "&a [1]",
  "*a",
  "&a x",
  "*zz",
  "&a {n: 3}",
  "{<<: *a, n: 4}",
  "{<<: [*a, {x: 1}], y: 2}",
  "{<<: [*a, 1]}",
  "{<<: 3}",
  "&a {<<: *a}",
];

/** YAML 1.1 and PyYAML corners: odd scalars, tags PyYAML refuses, keys that are lists, extra documents,
 *  nesting far deeper than PyYAML (or a recursive parser) can take. */
const YAML_CORNERS = [
  "<<: ",
  "\n---\n",
  "\n...\n",
  "? [a, b]\n: ",
  "!!python/tuple ",
  "!local ",
  "!!set ",
  "!!binary ",
  "!!float ",
  "! ",
  "1:30",
  "0o17",
  "017",
  "1e3",
  "=",
  "~",
  "0b_",
  "2020-13-01",
  "2001-12-14 21:59:43.10 -5",
  "12345678901234567890",
  ".nan",
  `${"[".repeat(2000)}${"]".repeat(2000)}`,
  `${"{a: ".repeat(1200)}1${"}".repeat(1200)}`,
  `${"- ".repeat(700)}x`,
];

function mutateText(t: string, r: () => number): string {
  const pos = Math.floor(r() * (t.length + 1));
  const op = r();
  if (op < 0.1) {
    // Replace the value of a random `key: value` line (or append one) with an anchored or aliased value.
    const lines = t.split("\n");
    const i = Math.floor(r() * lines.length);
    const colon = lines[i]!.indexOf(":");
    const value = ALIASED[Math.floor(r() * ALIASED.length)]!;
    lines[i] = colon >= 0 ? `${lines[i]!.slice(0, colon + 1)} ${value}` : `${lines[i]} ${value}`;
    return lines.join("\n");
  }
  if (op < 0.3) return t.slice(0, pos) + t.slice(pos + 1 + Math.floor(r() * 4));
  if (op < 0.7)
    return (
      t.slice(0, pos) +
      (r() < 0.7
        ? [":", "-", "[", "]", "{", "}", "\t", " ", "\n", "'", '"', "&a", "*a", "!!int ", "#", "|", ">", "%"][
            Math.floor(r() * 18)
          ]
        : YAML_CORNERS[Math.floor(r() * YAML_CORNERS.length)]) +
      t.slice(pos)
    );
  const lines = t.split("\n");
  const i = Math.floor(r() * lines.length);
  const j = Math.floor(r() * lines.length);
  [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  return lines.join("\n");
}

/** A `--set` argument: mostly well-formed `Stage.option=value` with odd parts, sometimes mangled text. */
function mutateSet(r: () => number): string {
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const stage = pick(["MakeNumbers", "SumNumbers", "CountNotes", "global", "Nope", "", "a.b", "Make Numbers"]);
  const option = pick(["n", "sleep", "fail", "m", "", "numbers", "n.x"]);
  const value = pick([
    "3",
    "-1",
    "1.5",
    "abc",
    "true",
    "null",
    "",
    "[1",
    "{a: 1}",
    "[]",
    ...ALIASED,
    "'x'",
    "!!int 3",
    "\t",
    "x".repeat(300),
  ]);
  const text = `${stage}.${option}=${value}`;
  return r() < 0.3 ? mutateText(text, r) : text;
}

describe("config fuzzing", () => {
  let p: TempProject;
  const originals: Record<string, string> = {};
  beforeAll(() => {
    p = new TempProject("mini");
    // Fills .cache/stages so that in-process loading never needs the stage-introspection process.
    expect(p.build("numbers").code).toBe(0);
    for (const f of FILES) originals[f] = p.read(f);
  });
  afterAll(() => p.remove());

  it(`${CASES} seeded mutations never escape as anything but an LbgError`, async () => {
    const outcomes = { loaded: 0, lbgError: 0 };
    const kinds = new Set<string>();
    // Only the file the previous case mutated is put back: file writes are most of this test's time.
    let mutated: string | undefined;
    for (let seed = 1; seed <= CASES; seed++) {
      const r = rng(seed);
      if (mutated) writeFileSync(p.path(mutated), originals[mutated]!);
      const target = FILES[Math.floor(r() * FILES.length)]!;
      mutated = target;
      let text = originals[target]!;
      if (r() < 0.5) {
        const value = YamlFile.parse(target, text).value;
        text = stringify(mutateValue(value, r));
      } else {
        for (let k = 1 + Math.floor(r() * 3); k > 0; k--) text = mutateText(text, r);
      }
      writeFileSync(p.path(target), text);
      const sets = r() < 0.2 ? [mutateSet(r)] : [];
      try {
        // Warnings are formatted, so every position they name is worked out (from the YAML cache, too).
        const warn = (w: LbgError) => expect(w.format()).not.toContain("\n");
        const proj = await loadProject({ root: p.dir, name: "numbers", overrides: [] }, { sets, warn });
        checkRunInputs(proj);
        predictRun(p.dir, proj.graph, RecordStore.open(proj.cacheDir, proj.hashes.h), proj.hashes, () => undefined);
        outcomes.loaded++;
      } catch (e) {
        if (!(e instanceof LbgError)) {
          throw new Error(`seed ${seed}: ${target} mutated to:\n${text}\nthrew ${(e as Error)?.stack ?? String(e)}`);
        }
        expect(e.format()).not.toContain("\n");
        outcomes.lbgError++;
        if (process.env.FUZZ_SHOW) kinds.add(e.message.replace(/'[^']*'/g, "Q").slice(0, 60));
      }
    }
    if (process.env.FUZZ_SHOW) console.log(outcomes, [...kinds].sort().join("\n"));
    expect(outcomes.loaded + outcomes.lbgError).toBe(CASES);
    expect(outcomes.lbgError).toBeGreaterThan(CASES / 10);
    expect(outcomes.loaded).toBeGreaterThan(CASES / 20);
  }, 240_000);
});
