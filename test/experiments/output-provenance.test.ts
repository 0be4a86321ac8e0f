// explainOutput on hand-made records: what `lbg why` says about files inside a directory output and about
// records written before lbg kept provenance.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getHasher } from "../../src/fs/hash-file.ts";
import { formatWhy } from "../../src/provenance/format-why.ts";
import { explainOutput } from "../../src/provenance/output-provenance.ts";
import { renderReport } from "../../src/report/render-report.ts";
import { RecordIndex } from "../../src/provenance/record-index.ts";
import { RecordStore } from "../../src/store/record-store.ts";
import type { StageRecord } from "../../src/store/stage-record.ts";

function record(stage: string, inputs: Record<string, string>, outputs: Record<string, string>): StageRecord {
  return {
    v: 1,
    stage,
    fingerprint: {
      format: 1,
      class: `lbg_stages:${stage}`,
      code: { [`lbg_stages/${stage}.ts`]: "c0de" },
      config: { k: 1 },
      inputs: Object.fromEntries(Object.entries(inputs).map(([t, h]) => [t, { path: `out/${t}`, hash: h }])),
      outputs: Object.fromEntries(Object.keys(outputs).map((t) => [t, `out/${t}`])),
    },
    fingerprintHash: `fp-${stage}`,
    outputs: Object.fromEntries(Object.entries(outputs).map(([t, h]) => [t, { path: `out/${t}`, hash: h }])),
    finishedAt: "2026-01-01T00:00:00.000Z",
    seconds: 1,
  };
}

describe("explainOutput", () => {
  let root: string;
  let index: RecordIndex;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "lbg-why-"));
    const h = await getHasher();
    const store = new RecordStore(join(root, ".cache/runs/old/records.jsonl"), (s) => h.h64ToString(s)).load();
    // Records of an lbg without provenance: A made `a` (now a1), B read `a` as a0 (A re-ran since), and `plots`.
    store.append(record("A", {}, { a: "a1" }));
    store.append(record("B", { a: "a0" }, { b: "b0", plots: "p0" }));
    // A record in run `copy` whose outputs a build of run `old` made (as a run cache's restore would write it).
    const copy = new RecordStore(join(root, ".cache/runs/copy/records.jsonl"), (s) => h.h64ToString(s)).load();
    copy.append({
      ...record("C", {}, { c: "c0" }),
      made: {
        run: "old",
        host: "h",
        startedAt: "2026-01-01T00:00:00.000Z",
        lbgVersion: "0.1.0",
        reasons: ["never built"],
        config: { k: { from: "default" } },
        producers: {},
      },
    });
    // A record of outputs restored from a run cache, with the resources of the build that made them, as the
    // run cache writes it (restored, resources on StageRecord), without lbg's own provenance.
    const restored = new RecordStore(join(root, ".cache/runs/later/records.jsonl"), (s) => h.h64ToString(s)).load();
    restored.append({
      ...record("D", {}, { d: "d0" }),
      finishedAt: "2026-03-01T00:00:00.000Z",
      seconds: 0.05,
      restored: { run: "old", builtAt: "2026-02-01T09:00:00.000Z", host: "login01", cache: "/c", key: "k".repeat(64) },
      resources: { wallSeconds: 12.4, cpuSeconds: 11.9, maxRssBytes: 221_184_000, measuredBy: "worker" },
    } as StageRecord);
    index = RecordIndex.load(root, (s) => h.h64ToString(s));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("a file inside a directory output names that output", () => {
    const a = explainOutput(index, "out/plots/z.png", () => "x", false);
    expect(a).toMatchObject({ state: "not-made", inside: { run: "old", stage: "B", tag: "plots", path: "out/plots" } });
  });

  it("a record whose outputs another run's build made names that run", () => {
    const a = explainOutput(index, "out/c", () => "c0", false);
    expect(a.made).toMatchObject({ run: "copy", builtInRun: "old", config: { k: { value: 1, from: "default" } } });
  });

  it("restored outputs: who built them, and the resources of that build (why and the report)", () => {
    const a = explainOutput(index, "out/d", () => "d0", false);
    expect(a).toMatchObject({
      state: "made",
      made: {
        run: "later",
        builtInRun: "old",
        host: "login01",
        restored: { run: "old" },
        resources: { cpuSeconds: 11.9 },
      },
    });
    expect(a.made!.noProvenance).toBeUndefined();
    const text = formatWhy(a);
    expect(text).toContain("from the run cache: built 2026-02-01 09:00:00 UTC by run old on login01");
    expect(text).toContain("wall 12.4s, CPU 11.9s, peak memory 221 MB (measured by worker)");
    const html = renderReport(
      {
        run: "later",
        pipelines: ["p"],
        generatedAt: "2026-03-01T00:00:00.000Z",
        lbgVersion: "0.1.0",
        stages: [
          {
            name: "D",
            class: "lbg_stages:D",
            state: "fresh",
            reasons: [],
            made: a.made!,
            inputs: [],
            outputs: [],
            dependants: [],
            log: undefined,
          },
        ],
        runInputs: [],
        metrics: { values: {}, changes: [], problems: [], notBuilt: [], declared: 0 },
      },
      "<svg></svg>",
    );
    expect(html).toContain("peak memory 221 MB");
    expect(html).toContain("from the run cache: built 2026-02-01 09:00:00 UTC by run old on login01");
  });

  it("a record without provenance is marked so; its inputs are not mistaken for run inputs", () => {
    const a = explainOutput(index, "out/b", (p) => (p === "out/b" ? "b0" : "a1"), true);
    expect(a.state).toBe("made");
    expect(a.made).toMatchObject({ stage: "B", noProvenance: true, config: { k: { value: 1 } } });
    expect(a.made!.inputs.a).toEqual({ path: "out/a", hash: "a0" }); // maker unknown: no madeBy at all
    expect(a.runInputs).toEqual([]);
    expect(a.gaps).toEqual([expect.stringContaining("made by A, which has been re-run since")]);
  });
});
