// Child-process side of stage introspection: imports bundled stage files and prints what they declare as
// JSON on stdout. Run in its own process so a stage file that hangs or crashes at import cannot take lbg
// down, and so lbg itself never executes stage code.
import { pathToFileURL } from "node:url";
import { describeThrown } from "./describe-thrown.ts";

export interface IntrospectResult {
  bundle: string;
  ok: boolean;
  error?: string;
  classes?: {
    exportName: string;
    name: string;
    doc: string;
    inputs: unknown;
    outputs: unknown;
    options: unknown;
    validates: boolean;
  }[];
}

function looksLikeStage(v: unknown): v is {
  name: string;
  stageName?: string;
  doc?: string;
  inputs?: unknown;
  outputs?: unknown;
  config?: unknown;
  prototype: { run?: unknown };
} {
  return (
    typeof v === "function" &&
    typeof (v as { prototype?: { run?: unknown } }).prototype?.run === "function" &&
    ("outputs" in v || "inputs" in v)
  );
}

export async function introspect(bundles: string[]): Promise<IntrospectResult[]> {
  const results: IntrospectResult[] = [];
  for (const bundle of bundles) {
    try {
      const mod = (await import(pathToFileURL(bundle).href)) as Record<string, unknown>;
      const classes = Object.entries(mod)
        .filter(([, v]) => looksLikeStage(v))
        .map(([exportName, v]) => {
          const c = v as {
            name: string;
            stageName?: string;
            doc?: string;
            inputs?: unknown;
            outputs?: unknown;
            config?: unknown;
            validate?: unknown;
          };
          return {
            exportName,
            name: c.stageName ?? c.name,
            doc: c.doc ?? "",
            inputs: c.inputs ?? {},
            outputs: c.outputs ?? {},
            options: c.config ?? {},
            validates: typeof c.validate === "function",
          };
        });
      results.push({ bundle, ok: true, classes });
    } catch (e) {
      results.push({ bundle, ok: false, error: describeThrown(e).summary });
    }
  }
  return results;
}
