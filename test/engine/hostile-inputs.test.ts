// Hostile input found by the trials of issue 13 (and the cases tried after it): each must give exit code 2 and
// one line naming the file and line (or the flag), before anything runs — no stack trace, no hang, nothing
// half-built. The same rig as bad-input.test.ts, in a file of its own.
import { symlinkSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasControlChars } from "../../src/fs/has-control-chars.ts";
import { TempProject } from "../helpers/temp-project.ts";

const RUN = "configs/runs/numbers.yaml";
const PIPE = "configs/pipelines/numbers/pipeline.yaml";
const CFG = "configs/pipelines/numbers/config.yaml";

interface Case {
  name: string;
  /** Files to overwrite (path → content), or edits (path → [from, to]). */
  files?: Record<string, string | [string, string]>;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Run before lbg, for what files cannot express (links). */
  setup?: (p: TempProject) => void;
  /** The one error line must match this (location and words). */
  expect: RegExp;
}

const CASES: Case[] = [
  // Item 11: output_dir that cannot be a folder, found before anything runs.
  {
    name: "output_dir is an existing file",
    setup: (p) => writeFileSync(p.path("afile"), "x\n"),
    files: { [RUN]: ["output_dir: results/<run>/outputs", "output_dir: afile"] },
    expect: /^lbg: error: configs\/runs\/numbers\.yaml:3:13: output_dir afile is a file, not a folder/,
  },
  {
    name: "output_dir below an existing file",
    setup: (p) => writeFileSync(p.path("afile"), "x\n"),
    files: { [RUN]: ["output_dir: results/<run>/outputs", "output_dir: afile/outputs"] },
    expect: /numbers\.yaml:3:13: output_dir afile\/outputs is a file, not a folder \(afile is on its path\)/,
  },
  {
    name: "log_dir is an existing file",
    setup: (p) => writeFileSync(p.path("afile"), "x\n"),
    files: { [RUN]: ["log_dir: results/<run>/logs", "log_dir: afile"] },
    expect: /numbers\.yaml:4:10: log_dir afile is a file, not a folder/,
  },
  {
    name: "output_dir is a symlink loop",
    setup: (p) => {
      symlinkSync("loop-b", p.path("loop-a"));
      symlinkSync("loop-a", p.path("loop-b"));
    },
    files: { [RUN]: ["output_dir: results/<run>/outputs", "output_dir: loop-a"] },
    expect: /numbers\.yaml:3:13: output_dir loop-a is a symlink loop/,
  },
  // Item 13: a log that would overwrite an output.
  {
    name: "log_dir equal to output_dir and an output named like a log",
    files: {
      [RUN]: ["log_dir: results/<run>/logs", "log_dir: results/<run>/outputs"],
      [CFG]: ["SumNumbers: {}", "SumNumbers:\n  total: MakeNumbers.out"],
    },
    expect:
      /config\.yaml:8:10: output 'total' of stage 'SumNumbers' and the log of stage 'MakeNumbers' are the same file: results\/numbers\/outputs\/MakeNumbers\.out/,
  },
  // Item 16: links that lead nowhere are named as such, not as missing files.
  {
    name: "run file is a symlink loop",
    setup: (p) => symlinkSync("loop.yaml", p.path("configs/runs/loop.yaml")),
    args: ["build", "loop"],
    expect: /^lbg: error: configs\/runs\/loop\.yaml: the run file is a symlink loop/,
  },
  {
    name: "run input is a symlink loop",
    setup: (p) => {
      symlinkSync("loop-b", p.path("data/loop-a"));
      symlinkSync("loop-a", p.path("data/loop-b"));
    },
    files: { [RUN]: ["data/notes.txt", "data/loop-a"] },
    expect: /numbers\.yaml:6:10: input 'notes' \(needed by CountNotes\) is a symlink loop: data\/loop-a/,
  },
  {
    name: "run input is a broken symbolic link",
    setup: (p) => symlinkSync("gone.txt", p.path("data/dangling")),
    files: { [RUN]: ["data/notes.txt", "data/dangling"] },
    expect: /numbers\.yaml:6:10: input 'notes' \(needed by CountNotes\) is a broken symbolic link \(to gone\.txt\)/,
  },
  {
    name: "pipeline file is a symlink loop",
    setup: (p) => symlinkSync("pipeline.yaml", p.path("configs/pipelines/looped/pipeline.yaml")),
    files: { "configs/pipelines/looped/.keep": "", [RUN]: ["pipelines: numbers", "pipelines: [numbers, looped]"] },
    expect: /numbers\.yaml:2:\d+: pipeline 'looped': .*looped\/pipeline\.yaml is a symlink loop/,
  },
  {
    name: "stage config file is a symlink loop",
    setup: (p) => symlinkSync("loop.yaml", p.path("configs/pipelines/numbers/loop.yaml")),
    files: { [PIPE]: ["config: configs/pipelines/numbers/config.yaml", "config: configs/pipelines/numbers/loop.yaml"] },
    expect: /pipeline\.yaml:2:9: stage config file configs\/pipelines\/numbers\/loop\.yaml is a symlink loop/,
  },
  // Item 17: one rule for run names; a name lbg list does not show is refused with the rule.
  {
    name: "run name with a space and a symbol",
    setup: (p) => writeFileSync(p.path("configs/runs/my run ☃.yaml"), p.read(RUN)),
    args: ["build", "my run ☃"],
    expect: /invalid run name 'my run ☃' \(hint: .*letters, digits, _, - and \./,
  },
  // Item 19: the run file's duplicate entry is named.
  {
    name: "a pipeline listed twice",
    files: { [RUN]: ["pipelines: numbers", "pipelines: [numbers, numbers]"] },
    expect: /numbers\.yaml:2:\d+: pipeline 'numbers' is listed twice in 'pipelines' \(entries 1 and 2\)/,
  },
  // Item 20: what goes to salloc or sbatch is checked like any flag.
  {
    name: "--salloc --nodes abc",
    args: ["build", "numbers", "--salloc", "--nodes", "abc"],
    expect: /^lbg: error: --nodes abc: expected a number of nodes/,
  },
  {
    name: "--salloc --time 1h",
    args: ["build", "numbers", "--salloc", "--time", "1h"],
    expect: /^lbg: error: --time 1h: expected a Slurm time limit/,
  },
  {
    name: "--nodes without --salloc",
    args: ["build", "numbers", "--nodes", "2"],
    expect: /^lbg: error: --nodes 2: only with --salloc/,
  },
  {
    name: "submit --qos with a newline (it would add a line to the batch script)",
    args: ["submit", "numbers", "--qos", "debug\n#SBATCH --mem=1T"],
    expect: /^lbg: error: --qos debug.*: contains spaces or control characters/,
  },
  {
    name: "submit --nodes 0",
    args: ["submit", "numbers", "--nodes", "0"],
    expect: /^lbg: error: --nodes 0: expected a number of nodes/,
  },
  // Tried after the issue's list (the closing note numbers them).
  {
    name: "an int beyond 2^53 (JavaScript would round it silently)",
    args: ["build", "numbers", "--set", "MakeNumbers.n=9007199254740993"],
    expect:
      /--set MakeNumbers\.n=9007199254740993: integer 9007199254740993 is too large to keep exactly \(beyond 2\^53\) for option 'n' of TypeScript stage 'MakeNumbers'/,
  },
  {
    name: "an output name with a newline",
    files: { [CFG]: ["SumNumbers: {}", 'SumNumbers:\n  total: "a\\nb.txt"'] },
    expect:
      /config\.yaml:8:10: output name override 'total: a\\nb\.txt': file name "a\\nb\.txt" contains control characters/,
  },
  {
    name: "an output name with a NUL and a terminal escape sequence (the error line must not steer the terminal)",
    files: { [CFG]: ["SumNumbers: {}", 'SumNumbers:\n  total: "a\\e[31mb\\0.txt"'] },
    expect: /output name override 'total: a\\u001b\[31mb\\u0000\.txt'/,
  },
  {
    name: "an output name longer than a file name may be",
    files: { [CFG]: ["SumNumbers: {}", `SumNumbers:\n  total: ${"x".repeat(300)}.txt`] },
    expect:
      /config\.yaml:8:10: output name override 'total: x{57}\.\.\.': file name x{40}\.\.\. is 304 bytes long \(at most 241\)/,
  },
  {
    name: "an output named like another output's set-aside copy",
    files: { [CFG]: ["SumNumbers: {}", "SumNumbers:\n  total: .lbg-previous-numbers.txt"] },
    expect: /config\.yaml:8:10: .*file name \.lbg-previous-numbers\.txt starts with '\.lbg-previous-', which lbg uses/,
  },
  {
    name: "an output named like an in-progress file",
    files: { [CFG]: ["SumNumbers: {}", "SumNumbers:\n  total: inprogress_other.txt"] },
    expect: /config\.yaml:8:10: .*file name inprogress_other\.txt starts with 'inprogress_'/,
  },
  {
    name: "an output's folder exists as a file",
    setup: (p) => p.write("results/numbers/outputs/sub", "in the way\n"),
    files: { [CFG]: ["SumNumbers: {}", "SumNumbers:\n  total: sub/total.txt"] },
    expect:
      /config\.yaml:8:10: output name override 'total: sub\/total\.txt': folder results\/numbers\/outputs\/sub is a file, not a folder/,
  },
  {
    name: "a stage option whose default is not of its type",
    files: { "lbg_stages/make_numbers.ts": ['n: { type: "int", default: 5,', 'n: { type: "int", default: "five",'] },
    expect:
      /lbg_stages\/make_numbers\.ts: MakeNumbers\.config\.n: default "five" is not an int \(hint: class MakeNumbers, used by stage 'MakeNumbers'/,
  },
  {
    name: "output_dir with a newline (from an environment variable)",
    files: { [RUN]: ["output_dir: results/<run>/outputs", "output_dir: ${LBG_TEST_NL}/out"] },
    env: { LBG_TEST_NL: "a\nb" },
    expect: /numbers\.yaml:3:13: output_dir a\\nb\/out contains control characters/,
  },
  {
    name: "--site with a path",
    setup: (p) => p.write("configs/evil.yaml", "site:\n  max_threads: 1\n"),
    args: ["build", "numbers", "--site", "../evil"],
    expect: /^lbg: error: --site: invalid site name '\.\.\/evil'/,
  },
  {
    name: "a pipeline name that leaves configs/pipelines",
    setup: (p) => p.write("configs/elsewhere/pipeline.yaml", p.read(PIPE)),
    files: { [RUN]: ["pipelines: numbers", "pipelines: ../elsewhere"] },
    expect: /numbers\.yaml:2:12: invalid pipeline name '\.\.\/elsewhere'/,
  },
  {
    name: "the run's records file is a folder",
    setup: (p) => p.write(".cache/runs/numbers/records.jsonl/x", ""),
    expect:
      /^lbg: error: \.cache\/runs\/numbers\/records\.jsonl: cannot read the run's records: illegal operation on a directory/,
  },
  {
    name: ".cache is a file",
    setup: (p) => p.write(".cache", "not a folder\n"),
    expect: /^lbg: error: \.cache: not a folder: lbg keeps its build state/,
  },
  {
    name: "the run's lock is a folder (it used to make lbg wait for ever)",
    setup: (p) => p.write(".cache/runs/numbers/lock/x", ""),
    expect: /^lbg: error: \.cache\/runs\/numbers\/lock: this lock is not a file/,
  },
];

describe("hostile input: exit code 2 and one clear line", () => {
  let base: TempProject;
  beforeAll(() => {
    base = new TempProject("mini");
    expect(base.lbg(["build", "numbers", "-n"]).code).toBe(0);
  });
  afterAll(() => base.remove());

  for (const c of CASES) {
    it(c.name, () => {
      const p = new TempProject("mini");
      try {
        for (const [file, content] of Object.entries(c.files ?? {})) {
          if (Array.isArray(content)) {
            const text = p.read(file);
            expect(text, `${file} contains ${content[0]}`).toContain(content[0]);
            p.write(file, text.replace(content[0], content[1]));
          } else p.write(file, content);
        }
        c.setup?.(p);
        const r = p.lbg(c.args ?? ["build", "numbers"], { timeout: 30_000, env: c.env });
        expect(r.signal, "lbg hung and was killed").toBeNull();
        expect(r.stderr).not.toMatch(/\n\s+at /);
        const lines = r.stderr
          .trim()
          .split("\n")
          .filter((l) => !l.startsWith("warning:"));
        expect(lines, r.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^lbg: error: /);
        expect(lines[0]).toMatch(c.expect);
        expect(hasControlChars(lines[0]!), "control characters in the error line").toBe(false);
        expect(r.code, r.stderr).toBe(2);
        expect(p.exists("results/numbers/outputs/total.txt")).toBe(false);
      } finally {
        p.remove();
      }
    });
  }
});
