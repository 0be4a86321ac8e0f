// One reason per kind: `code changed: a.ts; code changed: b.ts` reads `code changed: a.ts, b.ts`, and the
// same for inputs, options and outputs, so a stage that is stale for many reasons of one kind gets one
// readable phrase instead of the kind repeated — with an output folder said once, not per file.
import { dirname } from "node:path";

/** Kinds whose entries list well after one heading (`<heading>: <item>`), and their plural heading. */
const PLURAL: Record<string, string> = {
  "input changed": "inputs changed",
  "input missing": "inputs missing",
  "input path changed": "input paths changed",
  "output missing": "outputs missing",
  "output modified": "outputs modified",
  "output path changed": "output paths changed",
  "code changed": "code changed",
  "config changed": "config changed",
};

/** Heads whose items are paths: the common folder is said once (`outputs missing in results/x/outputs: …`). */
const PATHS = new Set(["output missing", "output modified"]);

export function groupReasons(reasons: string[]): string[] {
  const groups = new Map<string, string[]>();
  const order: string[] = [];
  for (const r of reasons) {
    const colon = r.indexOf(": ");
    const head = colon > 0 ? r.slice(0, colon) : "";
    const key = head in PLURAL ? head : `\0${r}`; // a reason of another kind stays as it is
    if (!groups.has(key)) {
      groups.set(key, []);
      order.push(key);
    }
    groups.get(key)!.push(head in PLURAL ? r.slice(colon + 2) : r);
  }
  return order.map((key) => {
    const items = groups.get(key)!;
    if (key.startsWith("\0") || items.length === 1) return key.startsWith("\0") ? items[0]! : `${key}: ${items[0]}`;
    return `${PLURAL[key]}${PATHS.has(key) ? pathList(items) : `: ${key === "config changed" ? configList(items) : items.join(", ")}`}`;
  });
}

/** `in <folder>: a, b` when every path is in one folder, else `: <path>, <path>`. */
function pathList(paths: string[]): string {
  const dir = dirname(paths[0]!);
  if (dir !== "." && paths.every((p) => dirname(p) === dir))
    return ` in ${dir}: ${paths.map((p) => p.slice(dir.length + 1)).join(", ")}`;
  return `: ${paths.join(", ")}`;
}

/** `Stage.a 1 → 2, Stage.b x → y` → `Stage.a 1 → 2, b x → y`: the stage is named once. */
function configList(items: string[]): string {
  const stage = /^([^.\s]+)\./.exec(items[0]!)?.[1];
  if (!stage || !items.every((i) => i.startsWith(`${stage}.`))) return items.join(", ");
  return [items[0]!, ...items.slice(1).map((i) => i.slice(stage.length + 1))].join(", ");
}
