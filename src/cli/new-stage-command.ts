// `lbg new stage <Name> [--input tag:type] [--output tag:type] [--option name:type=default]`: writes
// lbg_stages/<snake_name>.ts, a stage class on the typed SDK whose run() already reads every input and writes
// every output in its file type (so the stage builds as soon as a pipeline lists it), and prints the pipeline
// entry and config section to add. Never overwrites a file.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import { listNames } from "../config/load-run.ts";
import { suggest } from "../errors/did-you-mean.ts";
import { LbgError } from "../errors/lbg-error.ts";
import { findRoot } from "../project/find-root.ts";
import { FILE_TYPES } from "../sdk/stage.ts";

const OPTION_TYPES = ["int", "float", "str", "bool", "list", "dict", "any"] as const;
type OptionType = (typeof OPTION_TYPES)[number];
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Tag {
  tag: string;
  type: string;
}
interface Opt {
  name: string;
  type: OptionType;
  /** Absent: a required option. */
  default?: unknown;
}

/** `SummarizeNumbers` → `summarize_numbers`, `HSCMatch` → `hsc_match`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

function parseTag(flag: string, v: string): Tag {
  const m = /^([^:]+):(.+)$/.exec(v);
  if (!m || !IDENT.test(m[1]!))
    throw new LbgError(`${flag} ${v}: expected tag:type, e.g. ${flag} catalog:hdf5`, { file: flag });
  const type = m[2]!;
  if (!FILE_TYPES.includes(type as never))
    throw new LbgError(
      `${flag} ${v}: unknown file type '${type}'`,
      { file: flag },
      suggest(type, [...FILE_TYPES], "file types") ?? `file types: ${FILE_TYPES.join(" ")}`,
    );
  return { tag: m[1]!, type };
}

function checkDefault(o: Opt, v: string): void {
  const d = o.default;
  const ok =
    d === null ||
    (o.type === "int" && Number.isInteger(d)) ||
    (o.type === "float" && typeof d === "number") ||
    (o.type === "str" && typeof d === "string") ||
    (o.type === "bool" && typeof d === "boolean") ||
    (o.type === "list" && Array.isArray(d)) ||
    (o.type === "dict" && typeof d === "object" && !Array.isArray(d)) ||
    o.type === "any";
  if (!ok)
    throw new LbgError(
      `--option ${v}: the default ${JSON.stringify(d)} is not ${/^[aeiou]/.test(o.type) ? "an" : "a"} ${o.type}`,
      { file: "--option" },
    );
}

function parseOption(v: string): Opt {
  const m = /^([^:=]+):([a-z]+)(?:=(.*))?$/s.exec(v);
  if (!m || !IDENT.test(m[1]!))
    throw new LbgError(`--option ${v}: expected name:type=default (or name:type for a required option)`, {
      file: "--option",
    });
  const type = m[2]!;
  if (!OPTION_TYPES.includes(type as OptionType))
    throw new LbgError(
      `--option ${v}: unknown option type '${type}'`,
      { file: "--option" },
      suggest(type, [...OPTION_TYPES], "option types") ?? `option types: ${OPTION_TYPES.join(" ")}`,
    );
  const o: Opt = { name: m[1]!, type: type as OptionType };
  if (m[3] !== undefined) {
    // The default is written as in a config file (YAML): 0.5, true, [1, 2], {a: 1}, text; a str stays text.
    let d: unknown;
    try {
      d = type === "str" ? m[3] : parseYaml(m[3]);
    } catch {
      throw new LbgError(`--option ${v}: the default is not a YAML value`, { file: "--option" });
    }
    o.default = d;
    checkDefault(o, v);
  }
  return o;
}

function tsValue(v: unknown): string {
  return JSON.stringify(v, (_k, x) => x).replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, "$1: ");
}

function optionSpec(o: Opt): string {
  const cast = o.type === "list" ? " as unknown[]" : o.type === "dict" ? " as Record<string, unknown>" : "";
  const dflt = "default" in o ? `, default: ${tsValue(o.default)}${cast}` : "";
  return `    ${o.name}: { type: "${o.type}"${dflt}, doc: "${o.name.replaceAll("_", " ")}" },`;
}

/** Code that writes output `t` in its file type: a small valid file of that kind, for the real result. */
function writeOutput(t: Tag, uses: Set<string>): string {
  const path = `ctx.outputs.${t.tag}`;
  switch (t.type) {
    case "yml":
      uses.add("writeYaml");
      return `    writeYaml(${path}, { input_bytes: inputBytes });`;
    case "hdf5":
    case "pq":
      uses.add("writeTable");
      return `    await writeTable(${path}, "data", { row: Int32Array.from([0, 1, 2]) });`;
    case "png":
      uses.add("Canvas");
      uses.add("writePng");
      return `    writePng(${path}, new Canvas(64, 48));`;
    case "directory":
      uses.add("mkdirSync");
      uses.add("join");
      uses.add("writeFileSync");
      return `    mkdirSync(${path}, { recursive: true });\n    writeFileSync(join(${path}, "README.txt"), \`made by \${ctx.instance}\\n\`);`;
    case "txt":
      uses.add("writeFileSync");
      return `    writeFileSync(${path}, \`input bytes: \${inputBytes}\\n\`);`;
    default:
      // fits, pkl: lbg checks only that the file is there; write the real content with your own library.
      uses.add("writeFileSync");
      return `    writeFileSync(${path}, ""); // an empty ${t.type} file: write the real one here`;
  }
}

export function stageSource(
  name: string,
  inputs: Tag[],
  outputs: Tag[],
  options: Opt[],
  metrics: string[],
  doc: string,
): string {
  const uses = new Set<string>(["statSync"]);
  const writes = outputs.map((t) => writeOutput(t, uses));
  const isAsync = outputs.some((t) => t.type === "hdf5" || t.type === "pq");
  const fsNames = ["mkdirSync", "statSync", "writeFileSync"].filter((n) => uses.has(n));
  const catalogNames = ["Canvas", "writePng", "writeTable", "writeYaml"].filter((n) => uses.has(n));
  const tags = (ts: Tag[]) => (ts.length ? `{ ${ts.map((t) => `${t.tag}: "${t.type}"`).join(", ")} }` : "{}");
  const lines = [
    `// ${name}: ${doc}`,
    `import { ${fsNames.join(", ")} } from "node:fs";`,
    ...(uses.has("join") ? [`import { join } from "node:path";`] : []),
    ...(catalogNames.length ? [`import { ${catalogNames.join(", ")} } from "#lbg/catalog";`] : []),
    `import { Stage, type StageContext } from "#lbg/sdk";`,
    "",
    `export default class ${name} extends Stage {`,
    `  static doc = ${JSON.stringify(doc)};`,
    `  static inputs = ${tags(inputs)} as const;`,
    `  static outputs = ${tags(outputs)} as const;`,
    ...(metrics.length ? [`  static metrics = [${metrics.map((m) => `"${m}"`).join(", ")}] as const;`] : []),
    options.length
      ? `  static config = {\n${options.map(optionSpec).join("\n")}\n  } as const;`
      : "  static config = {} as const;",
    "",
    `  ${isAsync ? "async " : ""}run(ctx: StageContext<typeof ${name}>): ${isAsync ? "Promise<void>" : "void"} {`,
    "    // ctx.inputs.<tag> is the path to read, ctx.outputs.<tag> the path to write (lbg renames it on success),",
    "    // ctx.config.<option> the effective value. Outputs must be byte-identical for identical inputs and config.",
    `    const inputBytes = ${inputs.length ? inputs.map((t) => `statSync(ctx.inputs.${t.tag}).size`).join(" + ") : "0"};`,
    `    ctx.log(\`options: \${JSON.stringify(ctx.config)}; \${inputBytes} bytes of input\`);`,
    ...writes,
    "  }",
    "}",
    "",
  ];
  // No input: statSync is not used.
  const src = lines.join("\n");
  return inputs.length ? src : src.replace(/statSync, |, statSync|import \{ statSync \} from "node:fs";\n/, "");
}

export async function newCommand(
  kind: string,
  name: string,
  o: { input?: string[]; output?: string[]; option?: string[]; metrics?: string[]; doc?: string },
  out: (s: string) => void,
): Promise<number> {
  if (kind !== "stage")
    throw new LbgError(`lbg new ${kind}: only 'lbg new stage <Name>' exists`, { file: "new" }, "lbg new stage MyStage");
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name))
    throw new LbgError(
      `lbg new stage ${name}: a stage name is a class name: a capital letter, then letters and digits`,
      { file: "new" },
      `e.g. lbg new stage ${name.replace(/(^|[_\-\s]+)([a-z])/g, (_m, _s, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "") || "MyStage"}`,
    );
  const root = findRoot();
  const inputs = (o.input ?? []).map((v) => parseTag("--input", v));
  const outputs = (o.output ?? []).map((v) => parseTag("--output", v));
  // Without --output the stage still makes something, so that it can be wired and built at once.
  if (outputs.length === 0) outputs.push({ tag: snakeCase(name), type: "yml" });
  const options = (o.option ?? []).map(parseOption);
  const seen = new Set<string>();
  for (const t of [...inputs, ...outputs])
    if (seen.has(t.tag)) throw new LbgError(`tag '${t.tag}' is declared twice`, { file: "--input/--output" });
    else seen.add(t.tag);
  const optNames = new Set<string>();
  for (const opt of options)
    if (optNames.has(opt.name)) throw new LbgError(`option '${opt.name}' is declared twice`, { file: "--option" });
    else optNames.add(opt.name);
  for (const m of o.metrics ?? [])
    if (!outputs.some((t) => t.tag === m && t.type === "yml"))
      throw new LbgError(
        `--metrics ${m}: not a yml output of the stage`,
        { file: "--metrics" },
        "metrics files are yml outputs: add --output <tag>:yml",
      );

  const dir = join(root, "lbg_stages");
  const file = join(dir, `${snakeCase(name)}.ts`);
  const rel = relative(process.cwd(), file);
  if (existsSync(file))
    throw new LbgError(`${rel} exists: not overwritten`, { file: rel }, "pick another stage name, or remove the file");
  if (existsSync(dir)) {
    const clash = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .find((f) => new RegExp(`\\bclass ${name}\\b`).test(readFileSync(join(dir, f), "utf8")));
    if (clash)
      throw new LbgError(`a stage class ${name} already exists in lbg_stages/${clash}`, {
        file: `lbg_stages/${clash}`,
      });
  }
  mkdirSync(dir, { recursive: true });
  const doc = o.doc ?? `(what ${name} does, in one paragraph: \`lbg describe ${name}\` shows it)`;
  writeFileSync(file, stageSource(name, inputs, outputs, options, o.metrics ?? [], doc), { flag: "wx" });

  const pipelines = listNames(join(root, "configs", "pipelines"), "dir");
  const where = pipelines.length === 1 ? `configs/pipelines/${pipelines[0]}` : "configs/pipelines/<pipeline>";
  out(`wrote ${rel} (stage class ${name})\n\n`);
  out(`add it to ${where}/pipeline.yaml, under stages:\n  - name: ${name}\n`);
  if (inputs.length)
    out(
      `\nits inputs are wired by tag: ${inputs.map((t) => t.tag).join(", ")} must be an output tag of another stage of the run\n` +
        "(or be renamed to one: `aliases: {<input tag>: <their output tag>}` in the entry) or be in the run's `inputs:`\n",
    );
  if (options.length)
    out(
      `\noptions go in the pipeline's config file (${where}/config.yaml):\n${name}:\n${options
        .map((x) => `  ${x.name}: ${"default" in x ? tsValue(x.default) : "<required>"}`)
        .join("\n")}\n`,
    );
  out(`\nthen: lbg build <run>   (lbg describe ${name} shows what it declares)\n`);
  return 0;
}
