// The batch script `lbg submit` writes into the run's log folder and hands to sbatch: Slurm options from the
// site file (`site:` keys qos, time, nodes, account, constraint, partition) overridden by flags, output to
// `<log_dir>/slurm-%j.out`, and one `lbg build` of the run inside the allocation (its stages become steps).
// ceci's nersc-batch site names (queue, walltime, cpu_type) are read too, so DESC site files work unchanged.
import { shellQuote } from "../process/shell-quote.ts";

export interface BatchOptions {
  qos?: string;
  time?: string;
  nodes?: string;
  account?: string;
  constraint?: string;
  partition?: string;
}

export const BATCH_KEYS: (keyof BatchOptions)[] = ["qos", "time", "nodes", "account", "constraint", "partition"];
const KEYS = BATCH_KEYS;
const CECI_NAMES: Partial<Record<keyof BatchOptions, string>> = {
  qos: "queue",
  time: "walltime",
  constraint: "cpu_type",
};

export function batchOptions(site: Record<string, unknown>, flags: BatchOptions): BatchOptions {
  const out: BatchOptions = {};
  for (const k of KEYS) {
    const v = flags[k] ?? site[k] ?? (CECI_NAMES[k] ? site[CECI_NAMES[k]!] : undefined);
    if (v !== undefined && v !== null && v !== "") out[k] = String(v);
  }
  return out;
}

export function batchScript(o: {
  run: string;
  root: string;
  logDir: string;
  node: string;
  lbg: string;
  runArg: string;
  buildArgs: string[];
  options: BatchOptions;
}): string {
  const lines = [
    "#!/bin/bash",
    `#SBATCH --job-name=lbg-${o.run}`,
    `#SBATCH --output=${o.logDir}/slurm-%j.out`,
    `#SBATCH --chdir=${o.root}`,
  ];
  for (const k of KEYS) if (o.options[k] !== undefined) lines.push(`#SBATCH --${k}=${o.options[k]}`);
  lines.push("", "# Written by `lbg submit`: one build of the run; each stage runs as a job step of this allocation.");
  lines.push(
    `exec ${shellQuote(o.node)} ${shellQuote(o.lbg)} build ${shellQuote(o.runArg)} --plain --launcher slurm ${o.buildArgs.map(shellQuote).join(" ")}`.trimEnd(),
    "",
  );
  return lines.join("\n");
}
