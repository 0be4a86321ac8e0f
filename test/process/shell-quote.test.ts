// One quoting rule for every command line lbg shows or writes (src/process/shell-quote.ts): what a POSIX
// shell reads back is the words lbg meant, checked with a real `sh`, for a shown command and for the exec
// line of the Slurm batch script.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellQuote } from "../../src/process/shell-quote.ts";
import { batchScript } from "../../src/slurm/batch-script.ts";

const WORDS = ["plain", "with space", "it's", "$HOME", "a\nb", "*", "", "--set=x=1", "`id`", "back\\slash", "é"];

/** The words `sh` reads from `line`, each printed NUL-terminated. */
const shWords = (line: string) =>
  execFileSync("sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" })
    .split("\0")
    .slice(0, -1);

describe("shellQuote", () => {
  it("sh reads back exactly the words, and plain ones stay bare", () => {
    expect(shWords(WORDS.map(shellQuote).join(" "))).toEqual(WORDS);
    expect(shellQuote("results/a-b_c.txt")).toBe("results/a-b_c.txt");
  });

  it("the batch script's exec line passes lbg build the words it was given", () => {
    const script = batchScript({
      run: "numbers",
      root: "/p",
      logDir: "/p/logs",
      node: "/usr/bin/node",
      lbg: "/opt/my lbg/lbg.mjs",
      runArg: "numbers",
      buildArgs: WORDS,
      options: {},
    });
    // The last command of the script (a word with a line break spans two lines, inside its quotes).
    const exec = script.slice(script.indexOf("\nexec ") + "\nexec ".length);
    expect(shWords(exec)).toEqual([
      "/usr/bin/node",
      "/opt/my lbg/lbg.mjs",
      "build",
      "numbers",
      "--plain",
      "--launcher",
      "slurm",
      ...WORDS,
    ]);
  });
});
