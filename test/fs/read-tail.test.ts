// The end of a log, read from the end whatever the file's size (src/fs/read-tail.ts): what a failure report
// and `lbg report` show of a stage's log, and where `lbg logs -n N` starts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { lastLinesOffset, readTail, TAIL_BYTES, tailLines } from "../../src/fs/read-tail.ts";
import { writeSparse } from "../helpers/sparse-file.ts";

// Every byte read through node:fs, counted: the proof that a tail is read from the end only.
const counted = vi.hoisted(() => ({ bytes: 0 }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const readSync = ((...a: Parameters<typeof fs.readSync>) => {
    const n = fs.readSync(...a);
    counted.bytes += n;
    return n;
  }) as typeof fs.readSync;
  const readFileSync = ((...a: Parameters<typeof fs.readFileSync>) => {
    const r = fs.readFileSync(...a);
    counted.bytes += r.length;
    return r;
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readSync, readFileSync }, readSync, readFileSync };
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lbg-tail-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readTail", () => {
  const file = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it("a file smaller than the window is read whole", () => {
    expect(readTail(file("small", "a\nb\n"), 100)).toBe("a\nb\n");
  });

  it("a window that begins inside a line drops that part; one that begins a line keeps it", () => {
    const f = file("lines", "first\nsecond\nthird\n");
    expect(readTail(f, 10)).toBe("third\n"); // "cond\nthird\n" minus the partial "cond"
    expect(readTail(f, 13)).toBe("second\nthird\n"); // the byte before the window is a line break
  });

  it("one line longer than the window: what the window holds of it", () => {
    expect(readTail(file("long", `${"x".repeat(1000)}\n`), 11)).toBe(`${"x".repeat(10)}\n`);
  });

  it("a missing file is undefined, and no lines", () => {
    expect(readTail(join(dir, "missing"))).toBeUndefined();
    expect(tailLines(join(dir, "missing"), 5)).toEqual([]);
  });

  it("reads only the end: of a 5 MB log, no more than the window", () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `log line number ${i}, with some words after it`);
    const f = file("big", `${lines.join("\n")}\n`);
    counted.bytes = 0;
    expect(tailLines(f, 30)).toEqual(lines.slice(-30));
    expect(counted.bytes).toBeGreaterThan(0);
    expect(counted.bytes).toBeLessThanOrEqual(TAIL_BYTES + 1);
  });

  it("a sparse 5 GiB file (more than any buffer could hold whole) gives its last lines", () => {
    const f = join(dir, "sparse");
    const tail = Array.from({ length: 50 }, (_, i) => `line ${i}`).join("\n");
    writeSparse(f, 5 * 2 ** 30, `\n${tail}\n`);
    expect(tailLines(f, 3)).toEqual(["line 47", "line 48", "line 49"]);
    expect(tailLines(f, 3, (l) => !l.endsWith("8"))).toEqual(["line 46", "line 47", "line 49"]);
  });
});

describe("lastLinesOffset", () => {
  /** What `tail -n` shows: the last `n` lines, a final line break belonging to the last one. */
  const reference = (text: string, n: number) => {
    const lines = text.split("\n");
    const trailing = lines.at(-1) === "" ? 1 : 0;
    return n === 0 ? "" : lines.slice(Math.max(0, lines.length - trailing - n)).join("\n");
  };

  it("agrees with splitting the whole text, across chunk boundaries and with or without a final line break", () => {
    const f = join(dir, "t");
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const texts = ["", "\n", "\n\n", "a", "a\n", "a\nb", "a\nb\n", "\nx\n\n"];
    for (let k = 0; k < 30; k++) {
      const lines = Array.from({ length: Math.floor(random() * 40) }, () =>
        "x".repeat(Math.floor(random() < 0.2 ? random() * 3 * TAIL_BYTES : random() * 50)),
      );
      texts.push(lines.join("\n") + (random() < 0.5 ? "\n" : ""));
    }
    for (const text of texts) {
      writeFileSync(f, text);
      for (const n of [0, 1, 2, 3, 7, 100]) {
        const shown = Buffer.from(text).subarray(lastLinesOffset(f, n)).toString();
        expect(shown === reference(text, n), `${JSON.stringify(text.slice(0, 40))}… -n ${n}`).toBe(true);
      }
    }
  });

  it("reads only as far back as the lines go", () => {
    const f = join(dir, "big");
    writeFileSync(f, `${"an early line\n".repeat(400_000)}last one\n`);
    counted.bytes = 0;
    expect(lastLinesOffset(f, 2)).toBe(14 * 400_000 - 14);
    expect(counted.bytes).toBeLessThanOrEqual(TAIL_BYTES);
  });
});
