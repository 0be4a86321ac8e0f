// Runs each stage as a Slurm job step inside the current allocation (`salloc`, `sbatch`, or a site whose
// launcher is slurm): `srun --ntasks=<nprocess> --cpus-per-task=<threads> --nodes=<nodes> --exact ...`.
// Several steps run at once, up to the build's slots; cancelling a stage signals its srun, which ends the
// step. MPI stages get their ranks from srun (the local `mpirun -n N` prefix is dropped). A TypeScript stage
// is one process, so it runs as one task with nprocess × threads CPUs, through `worker.mjs --job <file>`.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { showCommand, tsCommandLine } from "./command-line.ts";
import { stepUsage } from "../slurm/step-usage.ts";
import type { StageResources } from "../store/stage-record.ts";
import { runCommand } from "./run-command.ts";
import type { SelfUsage } from "./self-usage.ts";
import { StageReaper } from "./stage-reaper.ts";
import type { CommandStageJob, Executor, JobOutcome, StageJob } from "./stage-job.ts";

export class SlurmExecutor implements Executor {
  private readonly running = new Set<number>();
  /** Ends the srun processes (and so their steps) if lbg dies without ending them itself. */
  private readonly reaper = new StageReaper();
  private readonly workerPath = fileURLToPath(new URL("./worker.mjs", import.meta.url));

  constructor(
    private readonly onPids: (pids: number[]) => void = () => {},
    private readonly owner = "",
  ) {}

  /** Slots of the current allocation: CPUs on a node × nodes, when Slurm says. */
  static allocationSlots(env: NodeJS.ProcessEnv = process.env): number | undefined {
    const cpus = Number(env.SLURM_CPUS_ON_NODE);
    const nodes = Number(env.SLURM_JOB_NUM_NODES ?? env.SLURM_NNODES ?? 1);
    return Number.isInteger(cpus) && cpus > 0 ? cpus * (Number.isInteger(nodes) && nodes > 0 ? nodes : 1) : undefined;
  }

  commandLine(job: StageJob): string {
    if (job.kind === "ts") return `${this.srun(job).join(" ")} ${tsCommandLine(job)}`;
    return showCommand(this.commandStep(job));
  }

  async run(job: StageJob, signal: AbortSignal): Promise<JobOutcome> {
    const step = this.stepJob(job);
    const usageFile = job.kind === "ts" ? `${step.argv[step.argv.length - 1]}.usage.json` : undefined;
    if (usageFile) rmSync(usageFile, { force: true });
    let pid = 0;
    const outcome = await runCommand(
      step,
      signal,
      (p) => {
        pid = p;
        this.running.add(p);
        this.onPids([...this.running]);
      },
      () => {
        this.running.delete(pid);
        this.onPids([...this.running]);
      },
      this.reaper,
    );
    if (outcome.status !== "succeeded") return outcome;
    return { ...outcome, resources: await this.stepResources(job, outcome.resources, usageFile) };
  }

  /**
   * What the step cost: Slurm's accounting when it has the step, else what a TypeScript stage's one-shot
   * worker measured itself, else only the wall time (what lbg sampled here is srun, not the step).
   */
  private async stepResources(
    job: StageJob,
    local: StageResources | undefined,
    usageFile: string | undefined,
  ): Promise<StageResources> {
    const wall = local?.wallSeconds ?? 0;
    const jobId = process.env.SLURM_JOB_ID;
    const acct = jobId ? await stepUsage(jobId, job.instance) : undefined;
    if (acct) return { ...acct, measuredBy: "sacct" };
    if (usageFile) {
      try {
        const u = JSON.parse(readFileSync(usageFile, "utf8")) as SelfUsage;
        if (typeof u.cpuSeconds === "number")
          return {
            wallSeconds: u.wallSeconds,
            cpuSeconds: u.cpuSeconds,
            ...(u.maxRssBytes ? { maxRssBytes: u.maxRssBytes } : {}),
            measuredBy: "slurm-step",
          };
      } catch {
        /* no figures from the step */
      }
    }
    return { wallSeconds: wall, measuredBy: "wall" };
  }

  /** One task per MPI rank; a TypeScript stage, or a container that starts its ranks itself, is one task
   *  with all the stage's CPUs. */
  private srun(job: StageJob): string[] {
    const single = job.kind === "ts" || !!job.mpiInside;
    const tasks = single ? 1 : job.nprocess;
    const cpus = single ? job.nprocess * job.threadsPerProcess : job.threadsPerProcess;
    return [
      "srun",
      `--ntasks=${tasks}`,
      `--cpus-per-task=${cpus}`,
      `--nodes=${job.nodes}`,
      "--exact",
      `--job-name=${job.instance}`,
      "--kill-on-bad-exit=1",
    ];
  }

  /** A command stage as a job step: srun in place of the local MPI launcher. */
  private commandStep(job: CommandStageJob): CommandStageJob {
    return { ...job, argv: [...this.srun(job), ...job.argv.slice(job.mpiLauncherArgs ?? 0)] };
  }

  private stepJob(job: StageJob): CommandStageJob {
    if (job.kind === "ts") {
      const file = join(dirname(job.log), `.${job.instance}.job.json`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(job));
      return {
        kind: "command",
        instance: job.instance,
        argv: [...this.srun(job), process.execPath, this.workerPath, "--job", file],
        env: { LBG_OWNER: this.owner },
        nprocess: 1,
        threadsPerProcess: job.nprocess * job.threadsPerProcess,
        nodes: job.nodes,
        log: job.log,
        cwd: job.cwd,
      };
    }
    const step = this.commandStep(job);
    return {
      ...step,
      env: { ...job.env, LBG_OWNER: this.owner },
      header: job.header === undefined ? undefined : `Command is: ${showCommand(step)}`,
    };
  }

  async close(): Promise<void> {
    // Steps are ended with their builds; nothing stays warm between stages under Slurm.
    this.reaper.close();
  }
}
