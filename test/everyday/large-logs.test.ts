// A stage's log of gigabytes (a chatty stage over weeks) is read from its end only: by `lbg report` for the
// log's last lines, and by `lbg logs -n N`. Both read the whole log into one string, so a log longer than the
// longest string (about 2^29 characters) showed no tail in the report and was an internal error for lbg logs.
import { spawnSync } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSparse } from "../helpers/sparse-file.ts";
import { TempProject } from "../helpers/temp-project.ts";

const LOG = "results/numbers/logs/SumNumbers.out";

describe("a stage's large log", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
  }, 120_000);
  afterAll(() => p?.remove());

  describe("lbg report", () => {
    /** The tail the report shows for SumNumbers' log, as lines. */
    const shownTail = () => {
      const r = p.lbg(["report", "numbers", "-o", "out/report.html"]);
      expect(r.code, r.stderr).toBe(0);
      const html = p.read("out/report.html");
      const m = html.match(/SumNumbers\.out<\/span> \(last lines\)<\/h4><pre>([^<]*)<\/pre>/);
      expect(m, "no log section for SumNumbers").not.toBeNull();
      return m![1]!.split("\n");
    };
    const tailText = Array.from({ length: 40 }, (_, i) => `tail line ${i}\nlbg-progress: ${i}/40`).join("\n");
    const expected = Array.from({ length: 30 }, (_, i) => `tail line ${i + 10}`);

    it("of a 5 MB log: its last 30 lines, without progress lines", () => {
      p.write(LOG, `${"an early line of the log, long enough to make megabytes\n".repeat(90_000)}${tailText}\n`);
      expect(shownTail()).toEqual(expected);
    });

    it("of a 1.5 GiB (sparse) log, longer than any string: its last lines too, from its end only", () => {
      writeSparse(p.path(LOG), 1.5 * 2 ** 30, `\n${tailText}\n`);
      expect(shownTail()).toEqual(expected);
    });
  });

  describe("lbg logs", () => {
    it("-n 3 of a 600 MiB (sparse) log: its last three lines", () => {
      writeSparse(p.path(LOG), 600 * 2 ** 20, "\nline 1\nline 2\nline 3\nline 4\n");
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
});
