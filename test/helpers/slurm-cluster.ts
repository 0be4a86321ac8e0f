// A private single-node Slurm for tests: Debian's slurmctld, slurmd and munge (installed beforehand by
// `npm run setup:optional`; requirements.ts says when they are missing), started by hand — no systemd —
// with a config, key, state and logs in a temporary folder, and stopped with all of it when the test ends.
// slurm.conf: SlurmctldHost=localhost, one node of 2 CPUs at 127.0.0.1, proctrack/linuxproc, task/none,
// select/cons_tres, scheduling without delays; srun answers in ~40 ms, sbatch jobs take ~1 s. There is no
// slurmdbd, so sacct does not work (lbg uses scontrol).
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class SlurmCluster {
  readonly dir = mkdtempSync(join(tmpdir(), "lbg-slurm-"));
  readonly conf = join(this.dir, "slurm.conf");

  /** Environment for Slurm commands run by tests and by lbg: they must find this cluster's config. */
  get env(): Record<string, string> {
    return { SLURM_CONF: this.conf };
  }

  start(): void {
    const d = this.dir;
    execFileSync("chmod", ["755", d]); // munged runs as the munge user and must reach its folder
    for (const sub of ["state", "spool", "log", "munge"]) mkdirSync(join(d, sub), { recursive: true });
    // munge: its own key and socket, run as the munge user like the packaged daemon.
    const key = join(d, "munge", "munge.key");
    execFileSync("dd", ["if=/dev/urandom", `of=${key}`, "bs=1024", "count=1"], { stdio: "ignore" });
    const mungeUid = Number(execFileSync("id", ["-u", "munge"], { encoding: "utf8" }).trim());
    const mungeGid = Number(execFileSync("id", ["-g", "munge"], { encoding: "utf8" }).trim());
    execFileSync("chmod", ["700", join(d, "munge")]);
    execFileSync("chmod", ["400", key]);
    chownSync(join(d, "munge"), mungeUid, mungeGid);
    chownSync(key, mungeUid, mungeGid);
    const socket = join(d, "munge", "munge.socket");
    mkdirSync("/run/munge", { recursive: true });
    execFileSync("chown", ["munge:munge", "/run/munge"]);
    execFileSync("runuser", [
      "-u",
      "munge",
      "--",
      "munged",
      "--key-file",
      key,
      "--socket",
      socket,
      "--pid-file",
      join(d, "munge", "munged.pid"),
      "--log-file",
      join(d, "munge", "munged.log"),
      "--seed-file",
      join(d, "munge", "seed"),
      "--force",
    ]);
    writeFileSync(
      this.conf,
      [
        "ClusterName=lbgtest",
        "SlurmctldHost=localhost",
        "AuthType=auth/munge",
        `AuthInfo=socket=${socket}`,
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        "SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,bf_interval=1",
        "MailProg=/bin/true",
        "SlurmUser=root",
        "SlurmdUser=root",
        `StateSaveLocation=${join(d, "state")}`,
        `SlurmdSpoolDir=${join(d, "spool")}`,
        `SlurmctldPidFile=${join(d, "slurmctld.pid")}`,
        `SlurmdPidFile=${join(d, "slurmd.pid")}`,
        `SlurmctldLogFile=${join(d, "log", "slurmctld.log")}`,
        `SlurmdLogFile=${join(d, "log", "slurmd.log")}`,
        "ReturnToService=2",
        "MpiDefault=none",
        "NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN",
        "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
        "",
      ].join("\n"),
    );
    const env = { ...process.env, SLURM_CONF: this.conf };
    execFileSync("slurmctld", ["-f", this.conf], { env });
    execFileSync("slurmd", ["-f", this.conf, "-N", "localhost"], { env });
    const t = Date.now();
    for (;;) {
      const r = spawnSync("sinfo", ["-h", "-o", "%T"], { env, encoding: "utf8" });
      if (r.status === 0 && /idle/.test(r.stdout)) break;
      if (Date.now() - t > 30_000) throw new Error(`Slurm did not come up: ${r.stdout}${r.stderr}\n${this.logs()}`);
      spawnSync("sleep", ["0.3"]);
    }
  }

  logs(): string {
    return ["slurmctld.log", "slurmd.log"]
      .map((f) => {
        try {
          return execFileSync("tail", ["-n", "20", join(this.dir, "log", f)], { encoding: "utf8" });
        } catch {
          return "";
        }
      })
      .join("\n");
  }

  stop(): void {
    for (const pidFile of ["slurmd.pid", "slurmctld.pid", join("munge", "munged.pid")]) {
      const f = join(this.dir, pidFile);
      if (!existsSync(f)) continue;
      spawnSync("sh", ["-c", `kill $(cat ${f}) 2>/dev/null`]);
    }
    spawnSync("sleep", ["0.5"]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
