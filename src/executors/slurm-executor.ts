// Runs each stage as a Slurm job step inside the current allocation (`salloc`, `sbatch`, or a site whose
// launcher is slurm): `srun --ntasks=<nprocess> --cpus-per-task=<threads> --nodes=<nodes> --exact ...`.
// Several steps run at once, up to the build's slots; cancelling a stage signals its srun, which ends the
// step. MPI stages get their ranks from srun (the local `mpirun -n N` prefix is dropped). A TypeScript stage
// is one process, so it runs as one task with nprocess × threads CPUs, through `worker.mjs --job <file>`.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "./run-command.ts";
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

  run(job: StageJob, signal: AbortSignal): Promise<JobOutcome> {
    const step = this.stepJob(job);
    let pid = 0;
    return runCommand(
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
  }

  private stepJob(job: StageJob): CommandStageJob {
    const tasks = job.kind === "ts" ? 1 : job.nprocess;
    const cpus = job.kind === "ts" ? job.nprocess * job.threadsPerProcess : job.threadsPerProcess;
    const srun = [
      "srun",
      `--ntasks=${tasks}`,
      `--cpus-per-task=${cpus}`,
      `--nodes=${job.nodes}`,
      "--exact",
      `--job-name=${job.instance}`,
      "--kill-on-bad-exit=1",
    ];
    if (job.kind === "ts") {
      const file = join(dirname(job.log), `.${job.instance}.job.json`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(job));
      return {
        kind: "command",
        instance: job.instance,
        argv: [...srun, process.execPath, this.workerPath, "--job", file],
        env: { LBG_OWNER: this.owner },
        nprocess: 1,
        threadsPerProcess: cpus,
        nodes: job.nodes,
        log: job.log,
        cwd: job.cwd,
      };
    }
    const argv = job.argv.slice(job.mpiLauncherArgs ?? 0);
    return {
      ...job,
      argv: [...srun, ...argv],
      env: { ...job.env, LBG_OWNER: this.owner },
      header: job.header?.replace(job.argv.slice(0, job.mpiLauncherArgs ?? 0).join(" "), srun.join(" ")),
    };
  }

  async close(): Promise<void> {
    // Steps are ended with their builds; nothing stays warm between stages under Slurm.
    this.reaper.close();
  }
}
