// The files `lbg init` writes: a small project whose run `example` builds at once (two TypeScript stages on
// the typed SDK, wired by a tag) and a test that builds it. Paths are relative to the new project's folder.

/** What the new project's package.json needs from the lbg that made it. */
export interface TemplateParams {
  /** The package name (the folder's name, made safe for npm). */
  name: string;
  /** How the project depends on lbg: `file:<path of this lbg checkout>`. */
  lbgSpec: string;
  /** The exact versions lbg pins of the packages `#lbg/catalog` imports when a stage runs (HDF5, parquet):
   *  a stage's bundle is loaded from the project's `.cache/`, so they must be in the project's node_modules. */
  catalogDeps: Record<string, string>;
  /** lbg's pinned @types/node, for the editor's (and tsc's) view of the stages. */
  typesNode: string;
}

export function templateFiles(p: TemplateParams): Record<string, string> {
  const pkg = {
    name: p.name,
    version: "0.1.0",
    private: true,
    type: "module",
    // Stage files import the SDK as `#lbg/sdk`: a file of the installed lbg, whose source lbg bundles into
    // each stage (src/stages/subpath-imports-plugin.ts), so it is part of the stage's code fingerprint.
    imports: {
      "#lbg/sdk": "lbg/src/sdk/index.ts",
      "#lbg/catalog": "lbg/src/catalog/index.ts",
    },
    scripts: { build: "lbg build example", test: "node --test test/" },
    dependencies: p.catalogDeps,
    devDependencies: { "@types/node": p.typesNode, lbg: p.lbgSpec },
  };
  return {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    ".gitignore": "node_modules/\nresults/\n.cache/\n",
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          allowImportingTsExtensions: true,
          noEmit: true,
          strict: true,
          skipLibCheck: true,
          verbatimModuleSyntax: true,
          types: ["node"],
        },
        include: ["lbg_stages"],
      },
      null,
      2,
    )}\n`,
    "configs/runs/example.yaml": `# The example run: pipeline 'example' makes numbers and summarizes them. \`npx lbg build example\`;
# outputs in results/example/outputs, stage logs in results/example/logs (\`npx lbg logs example MakeNumbers\`).

pipelines:
  - example

inputs: {}

output_dir: results/<run>/outputs
log_dir: results/<run>/logs

resume: True
`,
    "configs/pipelines/example/pipeline.yaml": `# Two stages wired by a tag: MakeNumbers writes 'numbers', which SummarizeNumbers reads.
# Add a stage: \`npx lbg new stage MyStage --input numbers:txt --output my_result:yml\` prints its entry.

modules: lbg_stages

config: configs/pipelines/example/config.yaml

stages:
  - name: MakeNumbers
  - name: SummarizeNumbers
`,
    "configs/pipelines/example/config.yaml": `# Options of the example pipeline's stages: a section per stage instance (and an optional global:).
# Try \`npx lbg build example --set MakeNumbers.count=500\`, or change a value here and build again.

MakeNumbers:
  count: 100
  seed: 1
`,
    "configs/sites/local.yaml": `# Stages run as local processes; site.max_threads (stage slots) defaults to one per core.

launcher:
  name: mini

site:
  name: local
`,
    "lbg_stages/make_numbers.ts": `// MakeNumbers: \`count\` seeded pseudo-random numbers in [0, 1), one per line.
import { writeFileSync } from "node:fs";
import { Stage, type StageContext } from "#lbg/sdk";

export default class MakeNumbers extends Stage {
  static doc = "Writes \`count\` seeded pseudo-random numbers in [0, 1), one per line.";
  static inputs = {} as const;
  static outputs = { numbers: "txt" } as const;
  static config = {
    count: { type: "int", default: 100, doc: "how many numbers" },
    seed: { type: "int", default: 1, doc: "random seed: the same seed gives the same file" },
  } as const;

  run(ctx: StageContext<typeof MakeNumbers>): void {
    const { count, seed } = ctx.config;
    // A small linear congruential generator: outputs must be byte-identical for identical config.
    let state = seed >>> 0;
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      lines.push((state / 2 ** 32).toFixed(6));
    }
    writeFileSync(ctx.outputs.numbers, \`\${lines.join("\\n")}\\n\`);
    ctx.log(\`wrote \${count} numbers (seed \${seed})\`);
  }
}
`,
    "lbg_stages/summarize_numbers.ts": `// SummarizeNumbers: count, mean, min and max of the numbers, as a metrics file (\`npx lbg metrics example\`).
import { readFileSync } from "node:fs";
import { writeYaml } from "#lbg/catalog";
import { Stage, type StageContext } from "#lbg/sdk";

export default class SummarizeNumbers extends Stage {
  static doc = "Summarizes a file of numbers (one per line): count, mean, min and max.";
  static inputs = { numbers: "txt" } as const;
  static outputs = { summary: "yml" } as const;
  static metrics = ["summary"] as const;
  static config = {} as const;

  run(ctx: StageContext<typeof SummarizeNumbers>): void {
    const values = readFileSync(ctx.inputs.numbers, "utf8").split("\\n").filter(Boolean).map(Number);
    const sum = values.reduce((a, b) => a + b, 0);
    writeYaml(ctx.outputs.summary, {
      count: values.length,
      mean: values.length ? sum / values.length : null,
      min: values.length ? Math.min(...values) : null,
      max: values.length ? Math.max(...values) : null,
    });
    ctx.log(\`summarized \${values.length} numbers\`);
  }
}
`,
    "test/example.test.mjs": `// Builds the example run with lbg and checks its result (\`npm test\`: Node's own test runner).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const lbg = (...args) =>
  spawnSync(process.execPath, [join(root, "node_modules", "lbg", "src", "bin", "lbg.mjs"), ...args], {
    cwd: root,
    encoding: "utf8",
  });

test("the example run builds and summarizes its numbers", () => {
  const r = lbg("build", "example", "--plain");
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const summary = readFileSync(join(root, "results", "example", "outputs", "summary.yml"), "utf8");
  assert.match(summary, /^count: 100$/m);
  const mean = Number(/^mean: (.*)$/m.exec(summary)?.[1]);
  assert.ok(mean > 0.3 && mean < 0.7, \`mean \${mean}\`);
});

test("a second build runs nothing", () => {
  const r = lbg("status", "example", "--json");
  assert.equal(r.status, 0, r.stderr);
  for (const s of JSON.parse(r.stdout).stages) assert.equal(s.state, "fresh", s.stage);
});
`,
    "README.md": `# ${p.name}

An [lbg](${p.lbgSpec.replace(/^file:/, "")}) project: runs in \`configs/runs/\`, pipelines in \`configs/pipelines/\`,
TypeScript stages in \`lbg_stages/\`.

\`\`\`sh
npx lbg build example          # builds the example run: results/example/outputs
npx lbg status example         # fresh or stale, and why
npx lbg logs example MakeNumbers
npm test                       # builds the example and checks its summary
npx lbg new stage MyStage --input numbers:txt --output result:yml
npx lbg watch example          # rebuilds what an edit changes
npx lbg help                   # the config formats
\`\`\`
`,
  };
}
