// RecordStore's trusted load (an incremental build): lines are indexed by stage and parsed only when a
// record is asked for, and a stage's recorded duration is read without parsing its record.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getHasher } from "../../src/fs/hash-file.ts";
import { RecordStore } from "../../src/store/record-store.ts";
import type { StageRecord } from "../../src/store/stage-record.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function record(stage: string, seconds: number, made?: StageRecord["made"]): StageRecord {
  return {
    v: 1,
    stage,
    // An option named `seconds` in the fingerprint's config: a number before the record's own key.
    fingerprint: { config: { seconds: 99 } } as unknown as StageRecord["fingerprint"],
    fingerprintHash: "0000000000000000",
    outputs: {},
    finishedAt: "2026-12-03T17:00:00.000Z",
    seconds,
    ...(made ? { made } : {}),
  };
}

describe("RecordStore", () => {
  it("reads a stage's recorded seconds from a trusted load without parsing its record, provenance or not", async () => {
    const h = await getHasher();
    const dir = mkdtempSync(join(tmpdir(), "lbg-records-"));
    dirs.push(dir);
    const file = join(dir, "records.jsonl");
    const writer = new RecordStore(file, (s) => h.h64ToString(s)).load();
    writer.append(record("Plain", 0.25));
    writer.append(
      record("WithMade", 1.5e-3, {
        run: "r",
        host: "h",
        startedAt: "2026-12-03T17:00:00.000Z",
        lbgVersion: "0.1.0",
        reasons: ['config changed: "seconds":7'],
        config: { seconds: { from: "section", at: "configs/c.yaml:3" } },
        producers: { seconds: "Plain" },
      }),
    );
    writer.close();

    let checked = 0;
    const reader = new RecordStore(file, (s) => {
      checked++;
      return h.h64ToString(s);
    }).load({ trusted: true });
    expect(checked).toBe(0); // indexed, not checked
    expect(reader.secondsOf("Plain")).toBe(0.25);
    expect(reader.secondsOf("WithMade")).toBe(1.5e-3);
    expect(checked).toBe(0);
    // Asking for the record itself checks and parses it, and gives the same value.
    expect(reader.get("WithMade")?.seconds).toBe(1.5e-3);
    expect(checked).toBe(1);
  });
});
