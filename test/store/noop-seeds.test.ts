// The hashes an incremental build takes from the no-op stamp (seedsOf): found by a scan for the first few
// files asked for and by an index after that, with the same answers either way — a later list's entry with a
// hash wins, an entry without one is no seed.
import { describe, expect, it } from "vitest";
import { type Covered, type NoopStamp, seedsOf } from "../../src/store/noop-stamp.ts";

describe("seedsOf", () => {
  it("answers as a map of every covered entry with a hash, before and after it indexes them", () => {
    const paths: Covered[] = [
      ["/p/a", "k1", "h1"],
      ["/p/b", "k2"],
      ["/p/dup", "k3", "h3"],
    ];
    const files: Covered[] = [
      ["/p/dup", "k4", "h4"],
      ["/p/nohash", "k5"],
      ["/p/a", "k6"],
    ];
    for (let i = 0; i < 50; i++) files.push([`/p/f${i}`, `k${i}`, `h${i}`]);
    const reference = new Map<string, { key: string; hash: string }>();
    for (const list of [paths, files]) for (const [p, key, hash] of list) if (hash) reference.set(p, { key, hash });
    const seeds = seedsOf({ paths, files } as unknown as NoopStamp);
    const asked = ["/p/a", "/p/b", "/p/dup", "/p/nohash", "/p/none", ...files.map(([p]) => p), "/p/dup", "/p/a"];
    expect(asked.length).toBeGreaterThan(40); // past the point where it indexes
    for (const p of asked) expect(seeds.get(p), p).toEqual(reference.get(p));
    expect(seeds.get("/p/dup")).toEqual({ key: "k4", hash: "h4" });
  });
});
