// The provenance written into a stage's record beside its fingerprint (format in src/store/stage-record.ts):
// who built it where and when, why it ran, which rule chose each option's value and which stage made each
// input. `lbg why` and `lbg report` read it back; nothing decides staleness from it.
import { hostname, userInfo } from "node:os";
import { isAbsolute, relative } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import type { SourcePos } from "../errors/lbg-error.ts";
import type { StageNode } from "../graph/build-graph.ts";
import type { ConfigProvenance, RecordProvenance } from "../store/stage-record.ts";

export const LBG_VERSION: string = pkg.version;

let user: { name: string | undefined } | undefined;

/** The user running lbg, looked up once per process (a passwd lookup per stage record adds up at 10,000). */
export function currentUser(): string | undefined {
  if (!user) {
    try {
      user = { name: userInfo().username };
    } catch {
      user = { name: undefined }; // a uid without a passwd entry (containers)
    }
  }
  return user.name;
}

/** `configs/…/config.yaml:12`, or the flag for `--set` values. */
function where(root: string, pos: SourcePos): string {
  const file = isAbsolute(pos.file) ? relative(root, pos.file) : pos.file;
  const shown = file.startsWith("..") ? pos.file : file;
  return pos.line ? `${shown}:${pos.line}` : shown;
}

export function recordProvenance(
  root: string,
  run: string,
  node: StageNode,
  how: { reasons: string[]; startedAt: number; command?: string; accepted?: boolean },
): RecordProvenance {
  const config: Record<string, ConfigProvenance> = {};
  for (const key of Object.keys(node.config)) {
    const from = node.configSource?.[key] ?? (node.configOrigin[key] ? "section" : "default");
    const pos = node.configOrigin[key];
    config[key] = pos && from !== "default" ? { from, at: where(root, pos) } : { from };
  }
  const producers: Record<string, string> = {};
  for (const i of node.inputs) if (i.producer) producers[i.alias] = i.producer;
  const user = currentUser();
  return {
    run,
    host: hostname(),
    ...(user ? { user } : {}),
    startedAt: new Date(how.startedAt).toISOString(),
    lbgVersion: LBG_VERSION,
    reasons: how.reasons,
    ...(how.command ? { command: how.command } : {}),
    config,
    producers,
    ...(how.accepted ? { accepted: true as const } : {}),
  };
}
