// A Python stage in a container (ceci's `image:` and `volume:`, in the site section or per stage), with the
// command lines of ceci's sites code (ceci/sites/*.py), run through /bin/sh as ceci runs them (its launcher
// uses a shell), so that `${PWD}` in a volume expands as it does for ceci:
//   local (docker):       docker run --env OMP_NUM_THREADS=<t> [-v <volume>] --rm -i <image>
//                           [bash -c 'PYTHONPATH=$PYTHONPATH:<paths>] [<mpi_command> <n>] python3 -m … [--mpi] [']
//   nersc-*, cori-* (shifter):  [<mpi_command> <n>] shifter --env OMP_NUM_THREADS=<t> [-V <volume>]
//                           --image <image> [bash -c 'PYTHONPATH=$PYTHONPATH:<paths>] python3 -m … [--mpi] [']
//   cc-parallel (singularity):  [<mpi_command> <n>] singularity run --env OMP_NUM_THREADS=<t> [--bind <volume>]
//                           <image> bash -c ' cd /opt/TXPipe && [PYTHONPATH=$PYTHONPATH:<paths>] python3 -m … [--mpi] '
// Differences from ceci, on purpose:
// - docker gets `-i`, not ceci's `-it`: lbg runs stages without a terminal (their output goes to their logs,
//   several at once), and docker refuses `-t` then ("the input device is not a TTY"); without a TTY docker
//   also passes lbg's cancelling SIGTERM on to the stage.
// - the MPI launcher of shifter and singularity stages is lbg's (only for nprocess > 1, srun steps under
//   Slurm), as for stages without a container;
// - paths inside the project are passed relative to it (the stage's working directory), as ceci passes the
//   relative paths of its files, so a volume that mounts the project (`${PWD}:/opt/txpipe`) finds them in
//   the container; lbg's usual absolute paths would name host folders the container does not have.
import { relativeTo } from "../fs/relative-to.ts";
import { showCommand } from "../executors/command-line.ts";
import { shellQuote } from "../process/shell-quote.ts";
import type { CommandStageJob } from "../executors/stage-job.ts";
import type { StageContainer } from "../config/run-model.ts";

export type ContainerTool = "docker" | "shifter" | "singularity";

/** The container tool of a site, as ceci's site classes choose it. */
export function containerTool(siteName: string): ContainerTool {
  if (/^(nersc|cori)/.test(siteName)) return "shifter";
  return siteName === "cc-parallel" ? "singularity" : "docker";
}

/** Single quotes around any text, for a shell (ceci writes `bash -c '…'`). */
const quoted = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * The container version of a Python stage's job (built by python-command.ts): the same stage command with
 * `python3` (the container's) and paths inside the project made relative, wrapped as ceci wraps it.
 */
export function containerJob(
  job: CommandStageJob,
  c: StageContainer,
  o: { siteName: string; pythonPaths: string[] },
): CommandStageJob {
  const root = job.cwd;
  const inside = (p: string) => {
    const r = relativeTo(root, p);
    return r.startsWith("..") || r.startsWith("/") ? p : r;
  };
  const mpi = job.argv.slice(0, job.mpiLauncherArgs ?? 0);
  const [, ...rest] = job.argv.slice(mpi.length); // the host interpreter, replaced by the container's python3
  const stage = ["python3", ...rest.map((a) => a.replace(/^(--[^=]+=)(\/.*)$/, (_, flag, p) => flag + inside(p)))];
  const paths = o.pythonPaths.map(inside);
  const threads = `--env OMP_NUM_THREADS=${job.threadsPerProcess}`;
  const tool = containerTool(o.siteName);
  const withPaths = (inner: string[]) => {
    const line = inner.map(shellQuote).join(" ");
    return paths.length ? `bash -c ${quoted(`PYTHONPATH=$PYTHONPATH:${paths.join(":")} ${line}`)}` : line;
  };
  let script: string;
  if (tool === "docker")
    script = ["docker run", threads, c.volume && `-v ${c.volume}`, "--rm -i", c.image, withPaths([...mpi, ...stage])]
      .filter(Boolean)
      .join(" ");
  else if (tool === "shifter")
    script = ["shifter", threads, c.volume && `-V ${c.volume}`, `--image ${c.image}`, withPaths(stage)]
      .filter(Boolean)
      .join(" ");
  else {
    const pathsSet = paths.length ? `PYTHONPATH=$PYTHONPATH:${paths.join(":")} ` : "";
    const body = ` cd /opt/TXPipe && ${pathsSet}${stage.map(shellQuote).join(" ")} `;
    script = ["singularity run", threads, c.volume && `--bind ${c.volume}`, c.image, `bash -c ${quoted(body)}`]
      .filter(Boolean)
      .join(" ");
  }
  const outside = tool === "docker" ? [] : mpi;
  const wrapped: CommandStageJob = {
    ...job,
    argv: [...outside, "/bin/sh", "-c", script],
    env: {},
    script: true,
    mpiLauncherArgs: outside.length,
    ...(tool === "docker" && mpi.length ? { mpiInside: true as const } : {}),
  };
  wrapped.header = `Command is: ${showCommand(wrapped)}`;
  return wrapped;
}
