// `lbg logs -n N` on a log of a weeks-long stage: its last lines, found from the end of the file. It read the
// whole log into one string, so a log longer than the longest string (about 2^29 characters) was an
// internal error instead of its last lines.
import { spawnSync } from "node:child_process";
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const LOG = "results/numbers/logs/SumNumbers.out";

describe("lbg logs on a large log", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
  }, 120_000);
  afterAll(() => p?.remove());

  it("-n 3 of a 600 MiB (sparse) log: its last three lines", () => {
    const fd = openSync(p.path(LOG), "w");
    const end = 600 * 2 ** 20;
    ftruncateSync(fd, end);
    writeSync(fd, Buffer.from("\nline 1\nline 2\nline 3\nline 4\n"), 0, undefined, end);
    closeSync(fd);
    const r = p.lbg(["logs", "numbers", "SumNumbers", "-n", "3"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("line 2\nline 3\nline 4\n");
  });

  it("a 5 MB log whole, and -n of it, as they are in the file", () => {
    const text = `${Array.from({ length: 100_000 }, (_, i) => `log line ${i} é`).join("\n")}\nno final line break`;
    p.write(LOG, text);
    // Into a file (the rig's pipe keeps 1 MB): read in 1 MiB chunks, "é" falls across their boundaries.
    const fd = openSync(p.path("all.txt"), "w");
    const all = spawnSync(process.execPath, [p.path("src/bin/lbg.mjs"), "logs", "numbers", "SumNumbers"], {
      cwd: p.dir,
      stdio: ["ignore", fd, "pipe"],
      env: { ...process.env, LBG_TYPE_CHECK: "off" },
      timeout: 120_000,
    });
    closeSync(fd);
    expect(all.status, String(all.stderr)).toBe(0);
    expect(p.read("all.txt") === text, "the whole log, byte for byte").toBe(true);
    const two = p.lbg(["logs", "numbers", "SumNumbers", "-n", "2"]);
    expect(two.stdout).toBe("log line 99999 é\nno final line break");
  });
});
