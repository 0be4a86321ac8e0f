// How each stage ended in the run's last build (not a dry run): what `lbg report` colours the graph by —
// a failed stage leaves no record (records are of successes), so without this it would look merely stale.
//
// On disk: `.cache/runs/<run>/last-build.json`, rewritten atomically at the end of every build:
//   { "v": 1, "at": "<ISO time the build ended>", "ok": true, "seconds": 12.3,
//     "stages": { "<stage>": { "status": "succeeded" | "failed" | "cancelled" | "blocked" | "fresh",
//                              "reasons"?: ["why it ran"], "seconds"?: 1.2, "error"?: "…", "by"?: "<stage that blocked it>",
//                              "restored"?: true } } }
// `restored`: it succeeded by restoring its outputs from a run cache (its stage-end said `restored: true`).
// Stages a build did not reach (interrupted before it checked them) are absent. Unreadable or of another `v`:
// treated as absent.
import { existsSync, readFileSync } from "node:fs";
import type { BuildEvent } from "../events/build-event.ts";
import { writeAtomic } from "../fs/write-atomic.ts";

export interface StageOutcome {
  status: "succeeded" | "failed" | "cancelled" | "blocked" | "fresh";
  reasons?: string[];
  seconds?: number;
  error?: string;
  by?: string;
  restored?: true;
}

export interface LastBuild {
  v: 1;
  at: string;
  ok: boolean;
  seconds: number;
  stages: Record<string, StageOutcome>;
}

/** Folds a build's events into its LastBuild. */
export class LastBuildRecorder {
  private stages: Record<string, StageOutcome> = {};
  private reasons = new Map<string, string[]>();

  see(e: BuildEvent): void {
    if (e.event === "build-start") {
      this.stages = {};
      this.reasons.clear();
    } else if (e.event === "stage-fresh") this.stages[e.stage] = { status: "fresh" };
    else if (e.event === "stage-start") this.reasons.set(e.stage, e.reasons);
    else if (e.event === "stage-blocked") this.stages[e.stage] = { status: "blocked", by: e.by };
    else if (e.event === "stage-end") {
      const reasons = this.reasons.get(e.stage);
      this.stages[e.stage] = {
        status: e.status,
        ...(reasons ? { reasons } : {}),
        seconds: e.seconds,
        ...(e.error ? { error: e.error } : {}),
        // Read structurally: a run cache's stage-end carries `restored` (src/events/build-event.ts).
        ...((e as { restored?: boolean }).restored === true ? { restored: true as const } : {}),
      };
    }
  }

  result(ok: boolean, seconds: number): LastBuild {
    return { v: 1, at: new Date().toISOString(), ok, seconds, stages: this.stages };
  }
}

export function writeLastBuild(file: string, b: LastBuild): void {
  writeAtomic(file, `${JSON.stringify(b)}\n`);
}

export function readLastBuild(file: string): LastBuild | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const b = JSON.parse(readFileSync(file, "utf8")) as LastBuild;
    return b && b.v === 1 && typeof b.stages === "object" && b.stages ? b : undefined;
  } catch {
    return undefined;
  }
}
