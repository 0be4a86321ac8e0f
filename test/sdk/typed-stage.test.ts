// The typed stage SDK: the types a stage's `run` and `validate` receive are derived from its static
// declarations (checked here by the TypeScript compiler itself, on stage files written by the test), and the
// worker's side of the contract (src/stages/run-stage.ts): the validate hook runs before `run`, and a tag the
// class does not declare is an error naming it.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type ConfigOf, OptionError, type OptionProblem, Stage, type StageContext } from "../../src/sdk/index.ts";
import { runStage } from "../../src/stages/run-stage.ts";

const SDK = resolve(dirname(fileURLToPath(import.meta.url)), "../../src/sdk/index.ts");

class Probe extends Stage {
  static inputs = { catalog: "hdf5" } as const;
  static outputs = { table: "pq", plots: "directory" } as const;
  static config = {
    n: { type: "int", default: 3, doc: "an int" },
    scale: { type: "float", doc: "required: no default" },
    label: { type: "str", default: "x", doc: "a string" },
    flag: { type: "bool", default: false, doc: "a bool" },
    edges: { type: "list", default: [0, 1] as number[], doc: "a list whose default says its element type" },
    items: { type: "list", default: [1, "a"], doc: "a list of anything" },
    limits: { type: "dict", default: { g: 1 } as Record<string, number>, doc: "a dict of numbers" },
    extra: { type: "dict", default: { g: 1 }, doc: "a dict of anything" },
    free: { type: "any", default: null, doc: "anything, null by default" },
    maybe: { type: "int", required: false, doc: "optional without a default" },
  } as const;

  static validate(config: ConfigOf<typeof Probe>): OptionProblem[] {
    if (config.n < 0) return [{ option: "n", message: `must not be negative, got ${config.n}` }];
    if (config.n === 13) throw new OptionError("n", "13 is unlucky", { path: [] });
    if (config.n === 14) throw new RangeError("no 14 either");
    (config as { n: number }).n = 99; // a hook that writes to its config must not change what run sees
    return [];
  }

  seen: StageContext<typeof Probe>[] = [];
  run(ctx: StageContext<typeof Probe>): void {
    this.seen.push(ctx);
    if (ctx.config.label === "read a typo") void (ctx.inputs as Record<string, string>).catalgo;
  }
}

describe("types derived from the declarations", () => {
  it("ctx.inputs, ctx.outputs and ctx.config have exactly the declared keys and types", () => {
    type Ctx = StageContext<typeof Probe>;
    expectTypeOf<Ctx["inputs"]>().toEqualTypeOf<{ readonly catalog: string }>();
    expectTypeOf<Ctx["outputs"]>().toEqualTypeOf<{ readonly table: string; readonly plots: string }>();
    expectTypeOf<Ctx["config"]>().toEqualTypeOf<{
      readonly n: number;
      readonly scale: number;
      readonly label: string;
      readonly flag: boolean;
      readonly edges: number[];
      readonly items: unknown[];
      readonly limits: Record<string, number>;
      readonly extra: Record<string, unknown>;
      readonly free: unknown;
      readonly maybe: number | undefined;
    }>();
    expectTypeOf<ConfigOf<typeof Probe>>().toEqualTypeOf<Ctx["config"]>();
  });

  // The compiler on stage files as an author writes them (one program for all of them: it takes seconds).
  const compile = (sources: Record<string, string>): Record<string, string[]> => {
    const files = new Map(
      Object.entries(sources).map(([name, text]) => [
        join(dirname(SDK), `__probe_${name}.ts`),
        text.replace("SDK", "./index.ts"),
      ]),
    );
    const host = ts.createCompilerHost({});
    const read = host.readFile.bind(host);
    host.readFile = (f) => files.get(resolve(f)) ?? read(f);
    const exists = host.fileExists.bind(host);
    host.fileExists = (f) => files.has(resolve(f)) || exists(f);
    const program = ts.createProgram(
      [...files.keys()],
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        allowImportingTsExtensions: true,
        types: [],
        skipLibCheck: true,
      },
      host,
    );
    const diagnostics = ts.getPreEmitDiagnostics(program);
    return Object.fromEntries(
      Object.keys(sources).map((name) => [
        name,
        diagnostics
          .filter((d) => d.file && resolve(d.file.fileName) === join(dirname(SDK), `__probe_${name}.ts`))
          .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0]!),
      ]),
    );
  };

  const stage = (runBody: string, extra = "") => `
    import { Stage, type StageContext, type ConfigOf } from "SDK";
    export default class Split extends Stage {
      static inputs = { spec_catalog: "hdf5" } as const;
      static outputs = { training_catalog: "hdf5" } as const;
      static config = { seed: { type: "int", default: 42, doc: "seed" } } as const;
      ${extra}
      run(ctx: StageContext<typeof Split>): void { ${runBody} }
    }`;

  const withStats = (source: string) =>
    source.replace('{ training_catalog: "hdf5" }', '{ training_catalog: "hdf5", stats: "yml" }');

  it("a stage that uses only what it declares compiles; misspelt tags and options, wrong types do not", () => {
    const errors = compile({
      good: stage(
        "const s: number = ctx.config.seed; const p: string = ctx.inputs.spec_catalog; void ctx.outputs.training_catalog; void s; void p;",
        "static validate(c: ConfigOf<typeof Split>) { return c.seed > 0 ? [] : [{ option: 'seed', message: 'bad' }]; }",
      ),
      tag: stage("void ctx.inputs.spec_catalgo;"),
      option: stage("void ctx.config.sead;"),
      type: stage("const s: string = ctx.config.seed; void s;"),
      write: stage("ctx.outputs.training_catalog = 'x';"),
      fileType: stage("").replace(
        '"hdf5" } as const;\n      static outputs',
        '"hdf6" } as const;\n      static outputs',
      ),
      optionType: stage("").replace('type: "int"', 'type: "integer"'),
      metrics: withStats(stage("void ctx.outputs.stats;", 'static metrics = ["stats"] as const;')),
      metricsTag: withStats(stage("", 'static metrics = ["stat"] as const;')),
      metricsType: withStats(stage("", 'static metrics = ["training_catalog"] as const;')),
    });
    expect(errors).toEqual({
      good: [],
      tag: [
        "Property 'spec_catalgo' does not exist on type 'TagPaths<{ readonly spec_catalog: \"hdf5\"; }>'. Did you mean 'spec_catalog'?",
      ],
      option: [expect.stringMatching(/^Property 'sead' does not exist on type 'ConfigOf<typeof Split>'/)],
      type: ["Type 'number' is not assignable to type 'string'."],
      write: ["Cannot assign to 'training_catalog' because it is a read-only property."],
      fileType: [
        "Class static side 'typeof Split' incorrectly extends base class static side 'typeof Stage'.",
        "Type 'typeof Split' does not satisfy the constraint 'CheckedDeclarations<typeof Split>'.",
      ],
      optionType: [
        "Class static side 'typeof Split' incorrectly extends base class static side 'typeof Stage'.",
        "Type 'typeof Split' does not satisfy the constraint 'CheckedDeclarations<typeof Split>'.",
      ],
      // static metrics may name only the class's yml outputs
      metrics: [],
      metricsTag: ["Type 'typeof Split' does not satisfy the constraint 'CheckedDeclarations<typeof Split>'."],
      metricsType: ["Type 'typeof Split' does not satisfy the constraint 'CheckedDeclarations<typeof Split>'."],
    });
  }, 60_000);
});

describe("running a stage as the worker does", () => {
  const paths = { inputs: { catalog: "/in/catalog.hdf5" }, outputs: { table: "/out/t.pq", plots: "/out/plots" } };
  const request = (config: Record<string, unknown>, instance = "Probe") => ({
    instance,
    ...paths,
    config: { scale: 1, label: "x", ...config },
    nprocess: 1,
    threadsPerProcess: 1,
    log: () => {},
  });
  const probeClass = () => {
    const runs: StageContext<typeof Probe>[] = [];
    class Fresh extends Probe {
      override run(ctx: StageContext<typeof Probe>) {
        runs.push(ctx);
        super.run(ctx);
      }
    }
    Object.defineProperty(Fresh, "name", { value: "Probe" });
    return { cls: Fresh, runs };
  };

  it("runs validate first: a refused config is a ConfigError naming stage and option, and run never starts", async () => {
    const { cls, runs } = probeClass();
    await expect(runStage(cls, request({ n: -1 }))).rejects.toThrow(
      "invalid config for stage 'Probe': n: must not be negative, got -1",
    );
    await expect(runStage(cls, request({ n: 13 }, "ProbeTwo"))).rejects.toThrow(
      "invalid config for stage 'ProbeTwo' (class Probe): n: 13 is unlucky",
    );
    await expect(runStage(cls, request({ n: 14 }))).rejects.toThrow(
      "the validate hook of stage 'Probe' threw: RangeError: no 14 either",
    );
    await expect(runStage(cls, request({ n: 14 }))).rejects.toMatchObject({ name: "ConfigError" });
    expect(runs).toEqual([]);
  });

  it("a config the hook accepts reaches run unchanged", async () => {
    const { cls, runs } = probeClass();
    await runStage(cls, request({ n: 2 }));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.config.n).toBe(2);
    expect({ ...runs[0]!.inputs }).toEqual(paths.inputs);
    expect(JSON.parse(JSON.stringify(runs[0]!.outputs))).toEqual(paths.outputs);
  });

  it("reading a tag the class does not declare throws, naming the tag and the declared ones", async () => {
    const { cls } = probeClass();
    await expect(runStage(cls, request({ n: 2, label: "read a typo" }))).rejects.toThrow(
      "stage 'Probe' has no input tag 'catalgo' (its inputs: catalog)",
    );
    const { cls: c2, runs } = probeClass();
    await runStage(c2, request({ n: 2 }, "ProbeTwo"));
    const outputs = runs[0]!.outputs as Record<string, string>;
    expect(() => outputs.tabel).toThrow(
      "stage 'ProbeTwo' (class Probe) has no output tag 'tabel' (its outputs: table, plots)",
    );
    expect(() => {
      outputs.table = "/elsewhere";
    }).toThrow(TypeError);
    expect(Object.keys(outputs)).toEqual(["table", "plots"]);
  });

  it("a class without a validate hook just runs", async () => {
    let ran = 0;
    class Plain extends Stage {
      static outputs = { out: "txt" } as const;
      run(ctx: StageContext<typeof Plain>) {
        ran += ctx.outputs.out === "/o.txt" ? 1 : 0;
      }
    }
    await runStage(Plain, { ...request({}), inputs: {}, outputs: { out: "/o.txt" } });
    expect(ran).toBe(1);
  });
});
