// RecordStore opened from the locations the no-op stamp keeps (an incremental build): nothing is read until a
// record is asked for, then only that record's line; a stage's recorded duration comes from the locations.
// The locations are the same whether they come from appends, a load or a rewrite, and a line that is not
// what its location says is not taken for the record.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
    // Non-ASCII: byte offsets are not string offsets.
    outputs: { out: { path: `results/r/outputs/données-${stage}.txt`, hash: "0123456789abcdef" } },
    finishedAt: "2026-12-03T17:00:00.000Z",
    seconds,
    ...(made ? { made } : {}),
  };
}

async function written() {
  const h = await getHasher();
  const dir = mkdtempSync(join(tmpdir(), "lbg-records-"));
  dirs.push(dir);
  const writer = RecordStore.open(dir, h);
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
  writer.append(record("Plain", 0.5)); // supersedes the first
  writer.close();
  return { h, dir, writer, file: join(dir, "records.jsonl") };
}

describe("RecordStore locations", () => {
  it("a store opened from locations reads nothing until asked, then only the record asked for", async () => {
    const { h, dir, writer, file } = await written();
    const at = writer.locations();
    expect(at.map(([s, , , seconds]) => [s, seconds])).toEqual([
      ["Plain", 0.5],
      ["WithMade", 1.5e-3],
    ]);
    const size = readFileSync(file).length;
    let checked = 0;
    const counting = {
      ...h,
      h64ToString: (s: string) => {
        checked++;
        return h.h64ToString(s);
      },
    } as typeof h;
    const reader = RecordStore.at(dir, counting, { lines: 3, size, at });
    expect(reader.stages()).toEqual(["Plain", "WithMade"]);
    expect(reader.secondsOf("Plain")).toBe(0.5);
    expect(reader.secondsOf("WithMade")).toBe(1.5e-3);
    expect(checked).toBe(0);
    expect(reader.get("WithMade")).toEqual(writer.get("WithMade"));
    expect(checked).toBe(1);
    expect(reader.get("Plain")).toEqual(record("Plain", 0.5));
    expect(reader.lineCount).toBe(3);
    // Appending after it lands where its locations say.
    reader.append(record("Late", 2));
    reader.close();
    const loaded = RecordStore.open(dir, h);
    expect(loaded.locations()).toEqual(reader.locations());
    expect(loaded.get("Late")?.seconds).toBe(2);
  });

  it("a load and a rewrite give the locations the appends gave, and the lines are there", async () => {
    const { h, dir, writer, file } = await written();
    const loaded = RecordStore.open(dir, h);
    expect(loaded.locations()).toEqual(writer.locations());
    const bytes = readFileSync(file);
    for (const [stage, offset, length] of loaded.locations()) {
      const line = bytes.toString("utf8", offset, offset + length);
      expect(line.endsWith("\n")).toBe(true);
      expect(JSON.parse(line.slice(17)).stage).toBe(stage);
    }
    loaded.rewrite();
    const after = readFileSync(file);
    expect(after.length).toBeLessThan(bytes.length); // the superseded line is gone
    const reopened = RecordStore.at(dir, h, { lines: 2, size: after.length, at: loaded.locations() });
    expect(reopened.get("Plain")).toEqual(record("Plain", 0.5));
    expect(reopened.get("WithMade")?.seconds).toBe(1.5e-3);
  });

  it("a line that is not what its location says is no record (its stage re-runs)", async () => {
    const { h, dir, writer, file } = await written();
    const at = writer.locations();
    const bytes = readFileSync(file);
    // One byte of WithMade's line changed: its hash no longer matches.
    const [, offset, length] = at.find(([s]) => s === "WithMade")!;
    bytes[offset + length - 10] = bytes[offset + length - 10] === 0x30 ? 0x31 : 0x30;
    writeFileSync(file, bytes);
    const reader = RecordStore.at(dir, h, { lines: 3, size: bytes.length, at });
    expect(reader.get("WithMade")).toBeUndefined();
    expect(reader.get("Plain")?.seconds).toBe(0.5);
    // A location pointing at another stage's line is not taken for this stage's record either.
    const plainAt = at.find(([s]) => s === "Plain")!;
    const swapped = RecordStore.at(dir, h, {
      lines: 3,
      size: bytes.length,
      at: [["Other", plainAt[1], plainAt[2], 1]],
    });
    expect(swapped.get("Other")).toBeUndefined();
  });
});

// made.txt (see record-store.ts): every output path any record named, for `lbg clean`. An append writes down
// only its own new paths once everything known before is written down; a store that knew paths made.txt
// lacks (records from before made.txt, a write that failed) writes them all at its next append.
describe("RecordStore made.txt", () => {
  const made = (dir: string) => readFileSync(join(dir, "made.txt"), "utf8").split("\n").filter(Boolean).sort();
  /** The output paths record() gives these stages, sorted. */
  const outputsOf = (...stages: string[]) => stages.map((s) => `results/r/outputs/données-${s}.txt`).sort();

  it("lists each output path once, across stores, also after the records that named it are gone", async () => {
    const { h, dir } = await written();
    expect(made(dir)).toEqual(outputsOf("Plain", "WithMade"));
    const again = RecordStore.open(dir, h);
    again.append(record("Third", 1));
    again.append(record("Plain", 2));
    again.rewrite((s) => s !== "Third");
    again.close();
    expect(made(dir)).toEqual(outputsOf("Plain", "Third", "WithMade"));
    expect(RecordStore.open(dir, h).everMade().sort()).toEqual(made(dir));
  });

  it("paths known from records but missing from made.txt are written down at the next append", async () => {
    const { h, dir } = await written();
    rmSync(join(dir, "made.txt"));
    const store = RecordStore.open(dir, h);
    store.append(record("Third", 1));
    store.close();
    expect(made(dir)).toEqual(outputsOf("Plain", "Third", "WithMade"));
  });

  it("a made.txt that could not be written is written whole at a later append", async () => {
    const { h, dir } = await written();
    rmSync(join(dir, "made.txt"));
    mkdirSync(join(dir, "made.txt")); // a folder in its place: every append fails to write it
    const store = RecordStore.open(dir, h);
    store.append(record("Third", 1));
    rmSync(join(dir, "made.txt"), { recursive: true });
    store.append(record("Fourth", 1));
    store.close();
    expect(made(dir)).toEqual(outputsOf("Fourth", "Plain", "Third", "WithMade"));
  });
});
