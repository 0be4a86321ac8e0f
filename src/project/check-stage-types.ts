// The type check of a run's TypeScript stage files (src/stages/type-check.ts), as a command reports it. Mode
// (`--type-check`, else the site file's `type_check:`, else the LBG_TYPE_CHECK variable, else `error`):
//   error — a type error stops the command before any stage runs: one line naming the first error's file,
//           line and column, how many more there are and where (exit 2). `lbg watch` shows it and waits for
//           the fix, as for any broken edit;
//   warn  — each type error is a warning and the stages run;
//   off   — nothing is checked (nor is the compiler loaded).
// Warnings of the compiler (an unused import) are warnings in both modes. `LBG_TRACE_TYPES=1` says on stderr
// how many stage files were checked, how many answered from the cache, and how long it took.
import { join } from "node:path";
import type { Warn } from "../config/check-value.ts";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import type { StageGraph } from "../graph/build-graph.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { TsStageMeta } from "../stages/stage-meta.ts";
import { TYPE_CHECK_MODES, type TypeCheckMode, type TypeProblem, typeCheckStages } from "../stages/type-check.ts";

/** The mode a command checks with: the flag, else the site file's, else LBG_TYPE_CHECK's, else `error`. */
export function typeCheckMode(flag: TypeCheckMode | undefined, site: TypeCheckMode | undefined): TypeCheckMode {
  if (flag ?? site) return (flag ?? site) as TypeCheckMode;
  const env = process.env.LBG_TYPE_CHECK;
  if (env === undefined || env === "") return "error";
  if ((TYPE_CHECK_MODES as readonly string[]).includes(env)) return env as TypeCheckMode;
  throw new LbgError(`LBG_TYPE_CHECK ${JSON.stringify(env)}: expected error, warn or off`, { file: "LBG_TYPE_CHECK" });
}

export async function checkStageTypes(
  root: string,
  graph: StageGraph,
  hashes: StatCache,
  mode: TypeCheckMode,
  warn: Warn,
  opts: { keepParsed?: boolean } = {},
): Promise<void> {
  if (mode === "off") return;
  const metas = [...graph.nodes.values()].map((n) => n.meta).filter((m): m is TsStageMeta => m.kind === "ts");
  if (metas.length === 0) return;
  const r = await typeCheckStages(root, metas, hashes, opts);
  if (process.env.LBG_TRACE_TYPES)
    process.stderr.write(
      `lbg: types: ${r.checked} stage file${r.checked === 1 ? "" : "s"} checked, ${r.cached} from the cache, in ${Math.round(r.ms)} ms\n`,
    );
  const pos = (p: TypeProblem): SourcePos => ({
    file: join(root, p.file),
    ...(p.line ? { line: p.line, col: p.col } : {}),
  });
  const errors = r.problems.filter((p) => p.severity === "error");
  for (const p of r.problems) {
    if (p.severity === "warning" || mode === "warn")
      warn(new LbgError(`type ${p.severity === "error" ? "error" : "warning"} TS${p.code}: ${p.message}`, pos(p)));
  }
  const [first, ...rest] = errors;
  if (mode !== "error" || !first) return;
  const where = (p: TypeProblem) => `${p.file}${p.line ? `:${p.line}` : ""}`;
  const more = rest.length
    ? ` (and ${rest.length} more: ${rest.slice(0, 3).map(where).join(", ")}${rest.length > 3 ? ", …" : ""})`
    : "";
  throw new LbgError(
    `type error TS${first.code}: ${first.message}${more}`,
    pos(first),
    "fix it, or run anyway with --type-check warn or the site file's type_check: warn",
  );
}
