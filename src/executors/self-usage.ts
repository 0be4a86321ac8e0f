// What the running stage costs its own (warm worker) process, measured from inside: the worker runs many
// stages, so lifetime figures would be wrong. CPU is the getrusage delta (every thread of the process) plus
// the children the stage started and waited for (cutime/cstime of /proc/self/stat); peak memory is VmHWM
// after resetting it with /proc/self/clear_refs ("5", Linux 4.0+). Where that reset is refused, the peak is
// known only for a worker's first stage (its lifetime peak then is the stage's), else left to the sampler.
import { readFileSync, writeFileSync } from "node:fs";
import { procStatFields, TICKS_PER_SECOND } from "./proc-stat.ts";

export interface UsageMark {
  cpu: NodeJS.CpuUsage;
  childTicks: number;
  peakReset: boolean;
  firstJob: boolean;
  at: number;
  /** Resident memory when the stage started. */
  rss: number;
}

let jobs = 0;

function childTicks(): number {
  const f = procStatFields("self");
  return f ? Number(f[13]) + Number(f[14]) : 0;
}

export function markUsage(): UsageMark {
  let peakReset = false;
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    peakReset = true;
  } catch {
    /* not Linux, or not allowed */
  }
  return {
    cpu: process.cpuUsage(),
    childTicks: childTicks(),
    peakReset,
    firstJob: jobs++ === 0,
    at: Date.now(),
    rss: process.memoryUsage.rss(),
  };
}

export interface SelfUsage {
  wallSeconds: number;
  cpuSeconds: number;
  maxRssBytes?: number;
}

export function usageSince(m: UsageMark): SelfUsage {
  const cpu = process.cpuUsage(m.cpu);
  const children = Math.max(0, childTicks() - m.childTicks) / TICKS_PER_SECOND;
  let maxRssBytes: number | undefined;
  if (m.peakReset) {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "latin1"));
      if (hwm) maxRssBytes = Number(hwm[1]) * 1024;
    } catch {
      /* leave it to the sampler */
    }
  } else if (m.firstJob) maxRssBytes = process.resourceUsage().maxRSS * 1024;
  return {
    wallSeconds: (Date.now() - m.at) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6 + children,
    ...(maxRssBytes !== undefined ? { maxRssBytes } : {}),
  };
}
