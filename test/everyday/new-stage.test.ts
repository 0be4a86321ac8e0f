// `lbg new stage <Name>`: a stage file from the typed SDK that builds as soon as a pipeline lists it.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snakeCase } from "../../src/cli/new-stage-command.ts";
import { InitProject } from "../helpers/init-project.ts";

describe("lbg new stage", () => {
  let p: InitProject;
  beforeAll(() => {
    p = new InitProject();
  });
  afterAll(() => p?.remove());

  it("writes the class with its tags and options, prints the pipeline entry, and the stage builds once wired", () => {
    const r = p.lbg([
      "new",
      "stage",
      "CountBright",
      "--input",
      "numbers:txt",
      "--output",
      "bright:hdf5",
      "--output",
      "bright_counts:yml",
      "--output",
      "bright_plot:png",
      "--output",
      "bright_table:pq",
      "--output",
      "bright_dir:directory",
      "--metrics",
      "bright_counts",
      "--option",
      "threshold:float=0.5",
      "--option",
      "bands:list=[g, r]",
      "--option",
      "label:str",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("wrote lbg_stages/count_bright.ts");
    expect(r.stdout).toContain("configs/pipelines/example/pipeline.yaml, under stages:\n  - name: CountBright");
    expect(r.stdout).toMatch(/CountBright:\n {2}threshold: 0\.5\n {2}bands: \["g","r"\]\n {2}label: <required>/);
    const src = p.read("lbg_stages/count_bright.ts");
    expect(src).toContain('static inputs = { numbers: "txt" } as const;');
    expect(src).toContain('threshold: { type: "float", default: 0.5');
    expect(src).toContain('static metrics = ["bright_counts"] as const;');

    // Wired: its input is MakeNumbers's output tag; the required option gets a value.
    p.write(
      "configs/pipelines/example/pipeline.yaml",
      `${p.read("configs/pipelines/example/pipeline.yaml")}  - name: CountBright\n`,
    );
    p.write(
      "configs/pipelines/example/config.yaml",
      `${p.read("configs/pipelines/example/config.yaml")}CountBright:\n  label: bright\n`,
    );
    const b = p.lbg(["build", "example", "--json"]);
    expect(b.code, b.stderr + b.stdout).toBe(0);
    expect(b.events.some((e) => e.event === "stage-end" && e.stage === "CountBright" && e.status === "succeeded")).toBe(
      true,
    );
    for (const f of ["bright.hdf5", "bright_counts.yml", "bright_plot.png", "bright_table.pq", "bright_dir/README.txt"])
      expect(readFileSync(p.path("results/example/outputs", f)).length, f).toBeGreaterThan(0);
    const d = p.lbg(["describe", "CountBright"]);
    expect(d.stdout).toMatch(/bright_counts: yml \(metrics\)/);
  });

  it("a stage with no flags still has an output, and builds", () => {
    const r = p.lbg(["new", "stage", "Hello"]);
    expect(r.code, r.stderr).toBe(0);
    expect(p.read("lbg_stages/hello.ts")).toContain('static outputs = { hello: "yml" } as const;');
    p.write(
      "configs/pipelines/example/pipeline.yaml",
      `${p.read("configs/pipelines/example/pipeline.yaml")}  - name: Hello\n`,
    );
    const b = p.lbg(["build", "example", "--json"]);
    expect(b.code, b.stderr).toBe(0);
    expect(p.read("results/example/outputs/hello.yml")).toBe("input_bytes: 0\n");
  });

  it("never overwrites a stage file, and refuses a class name that exists", () => {
    const before = p.read("lbg_stages/make_numbers.ts");
    const r = p.lbg(["new", "stage", "MakeNumbers"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lbg_stages\/make_numbers\.ts exists: not overwritten/);
    expect(p.read("lbg_stages/make_numbers.ts")).toBe(before);
  });

  it.each([
    [["new", "stage", "count_bright"], /a stage name is a class name.*e\.g\. lbg new stage CountBright/],
    [["new", "stage", "X", "--input", "numbers:yaml"], /unknown file type 'yaml'.*did you mean 'yml'/],
    [["new", "stage", "X", "--input", "numbers"], /expected tag:type/],
    [["new", "stage", "X", "--option", "n:int=1.5"], /the default 1\.5 is not an int/],
    [["new", "stage", "X", "--option", "n:integer=1"], /unknown option type 'integer'/],
    [["new", "stage", "X", "--output", "a:yml", "--metrics", "b"], /--metrics b: not a yml output/],
    [["new", "pipeline", "X"], /only 'lbg new stage <Name>' exists/],
  ])("bad flags %j: exit 2 with one line", (args, msg) => {
    const r = p.lbg(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

it("snakeCase names the file after the class", () => {
  expect(snakeCase("SummarizeNumbers")).toBe("summarize_numbers");
  expect(snakeCase("HSCMatch")).toBe("hsc_match");
  expect(snakeCase("EstimatePhotoz2")).toBe("estimate_photoz2");
});
