// lbg cache gc's choices on a cache built through RunCache itself, with times set by hand: entries unused for
// --keep-days go, then the least recently used until the rest fits --max-size; objects go only when no kept
// entry needs them (young objects no entry names yet are a store in progress and stay); usage files count as
// use and are folded into the entries' times.
import { mkdtempSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CacheEntry } from "../../src/cache/cache-entry.ts";
import { gcCache } from "../../src/cache/gc-cache.ts";
import { RunCache } from "../../src/cache/run-cache.ts";
import { scanCache } from "../../src/cache/scan-cache.ts";
import { getHasher, hashFileWith, type Hasher } from "../../src/fs/hash-file.ts";

const DAY = 86_400_000;
const NOW = Date.parse("2026-06-01T12:00:00Z");

describe("cache gc", () => {
  let dir: string;
  let h: Hasher;
  let cache: RunCache;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "lbg-gc-"));
    h = await getHasher();
    cache = RunCache.open(join(dir, "cache"), h);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** An entry `key` for one file output of `bytes` bytes (content unique to `seed`), last used `ageDays` ago. */
  async function entry(key: string, seed: string, bytes: number, ageDays: number): Promise<CacheEntry> {
    const src = join(dir, `${seed}.bin`);
    writeFileSync(src, seed.repeat(Math.ceil(bytes / seed.length)).slice(0, bytes));
    const hash = hashFileWith(h, src);
    await cache.putObject(src, hash, bytes);
    const e: CacheEntry = {
      v: 1,
      key,
      stage: key,
      class: "m:C",
      outputs: { out: { kind: "file", hash, size: bytes } },
      built: { run: "r", at: new Date(NOW).toISOString(), host: "h", project: dir },
    };
    await cache.writeEntry(e);
    const t = new Date(NOW - ageDays * DAY);
    utimesSync(cache.entryPath(key), t, t);
    utimesSync(cache.objectPath(hash, bytes), t, t);
    return e;
  }
  const keys = () =>
    scanCache(cache.dir, h)
      .entries.map((e) => e.key)
      .sort();
  const objects = () => scanCache(cache.dir, h).objects.size;
  const k = (c: string) => c.repeat(64);

  it("--keep-days removes entries unused that long, and the objects only they needed", async () => {
    await entry(k("a"), "A", 1000, 40);
    await entry(k("b"), "B", 1000, 2);
    const r = gcCache(cache.dir, h, { keepDays: 30, now: NOW });
    expect(r).toMatchObject({ removedEntries: 1, removedObjects: 1, keptEntries: 1 });
    expect(keys()).toEqual([k("b")]);
    expect(objects()).toBe(1);
  });

  it("--max-size removes the least recently used first; a usage file counts as a use", async () => {
    await entry(k("a"), "A", 10_000, 3);
    await entry(k("b"), "B", 10_000, 2);
    await entry(k("c"), "C", 10_000, 1);
    // `a` was restored by a build an hour ago: now the most recently used.
    mkdirSync(join(cache.dir, "usage"), { recursive: true });
    const usage = join(cache.dir, "usage", "1-host-1");
    writeFileSync(usage, `${k("a")}\n`);
    utimesSync(usage, new Date(NOW - 3600_000), new Date(NOW - 3600_000));
    const dry = gcCache(cache.dir, h, { maxBytes: 25_000, now: NOW, dryRun: true });
    expect(dry.removedEntries).toBe(1);
    expect(keys()).toHaveLength(3);
    const r = gcCache(cache.dir, h, { maxBytes: 25_000, now: NOW });
    expect(r).toMatchObject({ removedEntries: 1, removedObjects: 1, keptEntries: 2 });
    expect(keys()).toEqual([k("a"), k("c")]);
    // The use is kept in the entry's time; the usage file is gone.
    expect(readdirSync(join(cache.dir, "usage"))).toEqual([]);
    expect(gcCache(cache.dir, h, { maxBytes: 15_000, now: NOW })).toMatchObject({ keptEntries: 1 });
    expect(keys()).toEqual([k("a")]);
  });

  it("an object shared by two entries stays while one needs it; damaged entries and stale temp files go", async () => {
    const e = await entry(k("a"), "A", 1000, 10);
    await cache.writeEntry({ ...e, key: k("b"), stage: "other" });
    utimesSync(cache.entryPath(k("b")), new Date(NOW), new Date(NOW));
    writeFileSync(cache.entryPath(k("a")), "damaged\n");
    const young = join(cache.dir, "objects", "ff", `${"f".repeat(16)}-3`); // a store whose entry is not out yet
    mkdirSync(join(cache.dir, "objects", "ff"), { recursive: true });
    writeFileSync(young, "new");
    utimesSync(young, new Date(NOW - 60_000), new Date(NOW - 60_000));
    const oldTmp = join(cache.dir, "tmp", "x.host.1.abcd");
    writeFileSync(oldTmp, "half");
    utimesSync(oldTmp, new Date(NOW - 2 * DAY), new Date(NOW - 2 * DAY));
    const r = gcCache(cache.dir, h, { now: NOW });
    expect(r).toMatchObject({ removedEntries: 1, removedObjects: 0, keptEntries: 1 });
    expect(keys()).toEqual([k("b")]);
    expect(objects()).toBe(2);
    expect(readdirSync(join(cache.dir, "tmp")).filter((f) => f.startsWith("x."))).toEqual([]);
    // Once it is old and still unnamed, the orphan goes.
    expect(gcCache(cache.dir, h, { now: NOW + 2 * 3600_000 }).removedObjects).toBe(1);
  });
});
