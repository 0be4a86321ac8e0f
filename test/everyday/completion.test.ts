// `lbg completion bash|zsh|fish`: the bash script is loaded into a real bash and asked for completions the
// way bash asks (COMP_WORDS/COMP_CWORD, then the function `complete -p` names); run and stage names come from
// the real lbg through the hidden `lbg __list`.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InitProject, LBG } from "../helpers/init-project.ts";
import { hasCommand } from "../helpers/temp-project.ts";

describe("lbg completion", () => {
  let p: InitProject;
  const bin = mkdtempSync(join(tmpdir(), "lbg-bin-"));
  beforeAll(() => {
    p = new InitProject();
    // `lbg` on PATH, as `npm link` would put it.
    writeFileSync(join(bin, "lbg"), `#!/bin/sh\nexec "${process.execPath}" "${LBG}" "$@"\n`);
    chmodSync(join(bin, "lbg"), 0o755);
  });
  afterAll(() => {
    p?.remove();
    rmSync(bin, { recursive: true, force: true });
  });

  /** Completions bash offers for the words typed (the last one is the word being completed). */
  function bashComplete(script: string, lines: string[][]): string[] {
    const file = join(p.dir, "lbg-completion.bash");
    writeFileSync(file, script);
    const calls = lines
      .map(
        (words) =>
          `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); ` +
          `$fn; echo "\${COMPREPLY[*]}"`,
      )
      .join("\n");
    const r = spawnSync(
      "bash",
      [
        "--norc",
        "--noprofile",
        "-c",
        `source ${file}\nspec=$(complete -p lbg) || exit 9\nfn=\${spec##*-F }; fn=\${fn%% *}\n${calls}`,
      ],
      { cwd: p.dir, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split("\n").slice(0, lines.length);
  }

  it("bash: commands, options, run names, a run's stage names, fixed values", () => {
    const script = p.lbg(["completion", "bash"]);
    expect(script.code).toBe(0);
    const got = bashComplete(script.stdout, [
      ["lbg", "st"],
      ["lbg", "bu"],
      ["lbg", "build", "ex"],
      ["lbg", "build", "--ke"],
      ["lbg", "logs", "example", ""],
      ["lbg", "logs", "example", "Sum"],
      ["lbg", "build", "-j", "2", "example", "--force", "Ma"],
      ["lbg", "dag", "example", "--format", ""],
      ["lbg", "completion", ""],
      ["lbg", "help", "sta"],
      ["lbg", "build", "--site", ""],
      ["lbg", "new", ""],
    ]);
    expect(got).toEqual([
      "status",
      "build",
      "example",
      "--keep-going",
      "MakeNumbers SummarizeNumbers",
      "SummarizeNumbers",
      "MakeNumbers",
      "dot mermaid",
      "bash zsh fish",
      "stage-config stages status",
      "local",
      "stage",
    ]);
  });

  it("a new run is offered at once (names come from lbg, not from the script)", () => {
    p.write("configs/runs/example_big.yaml", "pipelines: [example]\ninputs: {}\n");
    const script = p.lbg(["completion", "bash"]).stdout;
    expect(bashComplete(script, [["lbg", "status", "exa"]])).toEqual(["example example_big"]);
  });

  it("a run file whose name is no run name (lbg build refuses it) is not offered", () => {
    p.write("configs/runs/exa mple.yaml", "pipelines: [example]\ninputs: {}\n");
    try {
      expect(p.lbg(["__list", "runs"]).stdout.split("\n")).not.toContain("exa mple");
    } finally {
      rmSync(p.path("configs/runs/exa mple.yaml"));
    }
  });

  it("the hidden listing prints nothing, exit 0, outside a project or for a run that does not load", () => {
    const outside = spawnSync(process.execPath, [LBG, "__list", "runs"], { cwd: tmpdir(), encoding: "utf8" });
    expect([outside.status, outside.stdout, outside.stderr]).toEqual([0, "", ""]);
    p.write("configs/runs/broken.yaml", "pipelines: [\n");
    const broken = p.lbg(["__list", "stages", "broken"]);
    expect([broken.code, broken.stdout, broken.stderr]).toEqual([0, "", ""]);
    expect(p.lbg(["--help"]).stdout).not.toContain("__list");
  });

  it("an unknown shell: exit 2", () => {
    const r = p.lbg(["completion", "tcsh"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("expected bash, zsh or fish");
  });

  it("zsh: the script parses, and its function offers the same names (compadd stubbed)", (ctx) => {
    if (!hasCommand("zsh")) ctx.skip("zsh is not installed (only this test uses it)");
    const file = join(p.dir, "_lbg");
    writeFileSync(file, p.lbg(["completion", "zsh"]).stdout);
    expect(spawnSync("zsh", ["-n", file], { encoding: "utf8" }).status).toBe(0);
    // Outside compinit: compdef, compadd, _describe and _files are stubs that print what they are given.
    const driver = [
      "compdef() { :; }",
      `source ${file}`,
      'compadd() { if [[ $1 == -a ]]; then print -r -- "${(P)2}"; else print -r -- "$@"; fi }',
      '_describe() { print -r -- "${(@)${(P)4}%%:*}"; }',
      "_files() { :; }",
      't() { words=("$@"); CURRENT=$#; _lbg | tr "\\n" " "; print; }',
      "t lbg bu",
      "t lbg logs example ''",
      "t lbg build example --force Ma",
      "t lbg dag example --format ''",
    ].join("\n");
    const r = spawnSync("zsh", ["-f", "-c", driver], {
      cwd: p.dir,
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n").map((l) => l.trim());
    expect(lines[0]!.split(" ")).toContain("build");
    expect(lines.slice(1, 4)).toEqual(["MakeNumbers SummarizeNumbers", "MakeNumbers SummarizeNumbers", "dot mermaid"]);
  });

  it("fish: the script parses, and fish's own completion (complete -C) offers the names", (ctx) => {
    if (!hasCommand("fish")) ctx.skip("fish is not installed (only this test uses it)");
    const file = join(p.dir, "lbg.fish");
    writeFileSync(file, p.lbg(["completion", "fish"]).stdout);
    expect(spawnSync("fish", ["--no-execute", file], { encoding: "utf8" }).status).toBe(0);
    const lines = ["lbg bu", "lbg logs example ", "lbg build example --force Ma", "lbg dag example --format "];
    const script = `source ${file}\nfor l in ${lines.map((l) => `'${l}'`).join(" ")}\n  complete -C"$l" | cut -f1 | sort | string join " "\nend`;
    const r = spawnSync("fish", ["--no-config", "-c", script], {
      cwd: p.dir,
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n").slice(0, 4)).toEqual([
      "build",
      "MakeNumbers SummarizeNumbers",
      "MakeNumbers",
      "dot mermaid",
    ]);
  });
});
