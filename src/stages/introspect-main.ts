// Child-process side of stage introspection: imports bundled stage files and prints what they declare as
// JSON on stdout. Run in its own process so a stage file that hangs or crashes at import cannot take lbg
// down, and so lbg itself never executes stage code.
import { pathToFileURL } from "node:url";
import { stageLocation } from "./stage-stack.ts";
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
    metrics: unknown;
    validates: boolean;
  }[];
}

/** What introspection reads off an exported stage class (the SDK's StageClass, seen from outside it). */
interface StageClassShape {
  name: string;
  stageName?: string;
  doc?: string;
  inputs?: unknown;
  outputs?: unknown;
  config?: unknown;
  metrics?: unknown;
  validate?: unknown;
  prototype: { run?: unknown };
}

function looksLikeStage(v: unknown): v is StageClassShape {
  return (
    typeof v === "function" &&
    typeof (v as { prototype?: { run?: unknown } }).prototype?.run === "function" &&
    ("outputs" in v || "inputs" in v)
  );
}

/** Written to stderr before each import, so that lbg can name the file whose top-level code hung or ended
 *  the process. */
export const IMPORTING = "lbg-introspect: importing ";

export async function introspect(bundles: string[]): Promise<IntrospectResult[]> {
  const results: IntrospectResult[] = [];
  for (const bundle of bundles) {
    process.stderr.write(`${IMPORTING}${bundle}\n`);
    try {
      const mod = (await import(pathToFileURL(bundle).href)) as Record<string, unknown>;
      const classes = Object.entries(mod).flatMap(([exportName, c]) =>
        looksLikeStage(c)
          ? [
              {
                exportName,
                name: c.stageName ?? c.name,
                doc: c.doc ?? "",
                inputs: c.inputs ?? {},
                outputs: c.outputs ?? {},
                options: c.config ?? {},
                metrics: c.metrics ?? [],
                validates: typeof c.validate === "function",
              },
            ]
          : [],
      );
      results.push({ bundle, ok: true, classes });
    } catch (e) {
      // The worker turned source maps on: a throw at import names its line in the stage file.
      const at = stageLocation(e, process.cwd());
      results.push({ bundle, ok: false, error: `${describeThrown(e).summary}${at ? ` (at ${at})` : ""}` });
    }
  }
  return results;
}
