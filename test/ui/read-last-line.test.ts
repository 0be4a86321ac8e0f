// The running row's last log line: the last non-empty line as a terminal shows it, read from the file's
// final few KB only.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanLine, lastLine, readLastLine } from "../../src/ui/read-last-line.ts";

const dir = mkdtempSync(join(tmpdir(), "lbg-ui-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lastLine / cleanLine", () => {
  it("skips trailing blank lines, keeps what a terminal shows after \\r, drops colours and control characters", () => {
    expect(lastLine("one\ntwo\n\n  \n")).toBe("two");
    expect(lastLine("epoch 1\r 10%\r 50%\r")).toBe(" 50%");
    expect(cleanLine("\x1b[31mred\x1b[0m\tdone\x07")).toBe("red  done");
    expect(cleanLine("\x1b]0;a window title\x07\x1b[1;32mok\x1b[K")).toBe("ok");
    expect(lastLine("")).toBe("");
  });
});

describe("readLastLine", () => {
  it("returns '' for a log that does not exist yet", async () => {
    expect(await readLastLine(join(dir, "missing.out"))).toBe("");
  });

  it("reads the last line of a large log", async () => {
    const f = join(dir, "big.out");
    writeFileSync(f, `${`${"x".repeat(99)}\n`.repeat(80_000)}step 41 of 42\n`);
    expect(await readLastLine(f)).toBe("step 41 of 42");
  });

  it("reads only the file's last 4 KB: a line longer than that is shown by its end", async () => {
    const f = join(dir, "long.out");
    writeFileSync(f, `${"a".repeat(10_000)}END\n`);
    const l = await readLastLine(f);
    expect(l.endsWith("aEND")).toBe(true);
    expect(l.length).toBeLessThanOrEqual(4096);
  });
});
