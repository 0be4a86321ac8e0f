// The typed stage SDK through the real CLI: a stage that imports `#lbg/sdk` and `#lbg/catalog` (package.json
// `imports`) is bundled with them and fingerprinted by them, a tag it does not declare is an error naming it,
// the worker runs the validate hook before `run`, nprocess > 1 is a warning, and the `imports` map itself is
// part of what decides a stage's code.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const STAGE = `import { existsSync, readFileSync } from "node:fs";
import { writeYaml } from "#lbg/catalog";
import { type ConfigOf, Stage, type StageContext } from "#lbg/sdk";
import { LABEL } from "#probe/label";

export default class TypedProbe extends Stage {
  static doc = "Counts the lines of its input (test stage of the typed SDK).";
  static inputs = { numbers: "txt" } as const;
  static outputs = { summary: "yml" } as const;
  static config = {
    scale: { type: "float", default: 2, doc: "a factor" },
    read: { type: "str", default: "numbers", doc: "the input tag to read (a test misspells it)" },
  } as const;

  static validate(config: ConfigOf<typeof TypedProbe>) {
    if (existsSync("refuse-config")) return [{ option: "scale", message: \`refused (\${config.scale})\` }];
    return [];
  }

  run(ctx: StageContext<typeof TypedProbe>) {
    const path = (ctx.inputs as Record<string, string>)[ctx.config.read]!;
    const lines = readFileSync(path, "utf8").split("\\n").filter(Boolean).length;
    writeYaml(ctx.outputs.summary, { label: LABEL, lines, scale: ctx.config.scale });
  }
}
`;

const PIPELINE = `modules: lbg_stages
config: configs/pipelines/typed/config.yaml
stages:
  - name: MakeNumbers
  - name: TypedProbe
`;

const SUMMARY = "results/typed/outputs/summary.yml";

describe("typed stage SDK (real CLI)", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini");
    const pkg = JSON.parse(p.read("package.json"));
    pkg.imports["#probe/label"] = "./lbg_stages/lib/label-a.ts";
    p.write("package.json", JSON.stringify(pkg, null, 2));
    p.write("lbg_stages/lib/label-a.ts", 'export const LABEL = "a";\n');
    p.write("lbg_stages/lib/label-b.ts", 'export const LABEL = "b";\n');
    p.write("lbg_stages/typed_probe.ts", STAGE);
    p.write("configs/pipelines/typed/pipeline.yaml", PIPELINE);
    p.write("configs/pipelines/typed/config.yaml", "MakeNumbers:\n  n: 3\n");
    p.write("configs/runs/typed.yaml", "pipelines: typed\ninputs: {}\n");
  });
  afterAll(() => p.remove());

  it("a stage importing #lbg/sdk and #lbg/catalog builds, and the SDK files are part of its code", () => {
    const r = p.build("typed");
    expect(r.end, r.stderr + r.stdout).toMatchObject({ ok: true, succeeded: 2 });
    expect(p.read(SUMMARY)).toBe("label: a\nlines: 3\nscale: 2\n");
    expect(p.build("typed").ran).toEqual([]);
    p.write("src/sdk/stage.ts", `${p.read("src/sdk/stage.ts")}\n// edited\n`);
    const again = p.build("typed");
    expect(again.ran).toEqual(["MakeNumbers", "TypedProbe"]);
    expect(again.reasons.TypedProbe).toEqual(["code changed: src/sdk/stage.ts"]);
  });

  it("a changed package.json `imports` entry re-resolves the stage's imports", () => {
    const pkg = JSON.parse(p.read("package.json"));
    pkg.imports["#probe/label"] = "./lbg_stages/lib/label-b.ts";
    p.write("package.json", JSON.stringify(pkg, null, 2));
    const r = p.build("typed");
    expect(r.ran).toEqual(["TypedProbe"]);
    expect(p.read(SUMMARY)).toBe("label: b\nlines: 3\nscale: 2\n");
  });

  it("reading a tag the class does not declare fails the stage, naming the tag", () => {
    const r = p.build("typed", ["--set", "TypedProbe.read=numbrs"]);
    const end = r.events.find((e) => e.event === "stage-end" && e.stage === "TypedProbe");
    expect(end).toMatchObject({
      status: "failed",
      error: "Error: stage 'TypedProbe' has no input tag 'numbrs' (its inputs: numbers)",
    });
  });

  it("a null option value is no value: the default applies, as for Python stages", () => {
    const r = p.build("typed", ["--set", "TypedProbe.scale=null"]);
    expect(r.end, r.stderr).toMatchObject({ ok: true });
    expect(p.read(SUMMARY)).toBe("label: b\nlines: 3\nscale: 2\n");
  });

  it("the worker runs the validate hook just before run: a config it refuses never reaches run", () => {
    expect(p.lbg(["status", "typed"]).code).toBe(0); // the hook accepted this config when the run loaded
    p.write("refuse-config", "");
    try {
      const r = p.build("typed", ["--force", "TypedProbe"]);
      const end = r.events.find((e) => e.event === "stage-end" && e.stage === "TypedProbe");
      expect(end).toMatchObject({
        status: "failed",
        error: "ConfigError: invalid config for stage 'TypedProbe': scale: refused (2)",
      });
    } finally {
      rmSync(p.path("refuse-config"));
    }
  });

  it("nprocess > 1 on a TypeScript stage is a warning naming its line; the stage runs as one process", () => {
    p.write("configs/pipelines/typed/pipeline.yaml", `${PIPELINE}    nprocess: 2\n`);
    try {
      const r = p.lbg(["status", "typed"]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        /^warning: configs\/pipelines\/typed\/pipeline\.yaml:6:15: stage 'TypedProbe' has nprocess: 2, but class TypedProbe is a TypeScript stage, which runs as one process \(hint: for several cores set threads_per_process/m,
      );
    } finally {
      p.write("configs/pipelines/typed/pipeline.yaml", PIPELINE);
    }
  });

  it("a misspelt key in an option's declaration is an error naming it", () => {
    p.write("lbg_stages/typed_probe.ts", STAGE.replace('default: 2, doc: "a factor"', 'defualt: 2, doc: "a factor"'));
    try {
      const r = p.lbg(["status", "typed"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/TypedProbe\.config\.scale: unknown key 'defualt' \(did you mean 'default'\?\)/);
    } finally {
      p.write("lbg_stages/typed_probe.ts", STAGE);
    }
  });
});
