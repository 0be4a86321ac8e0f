// What the optional tests need from the machine, and how they skip without it. Tests never install or
// configure anything system-wide: `npm run setup:optional` (.ci/setup-optional, which .ci/run calls) does
// that on purpose. A test whose requirement is missing is reported skipped with the reason (ctx.skip, listed
// at the end of the run by skip-reasons.ts), never passed with a warning.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { beforeEach } from "vitest";
import { PY } from "./debian-python.ts";
import { hasCommand } from "./temp-project.ts";

const SETUP = "npm run setup:optional installs it";

const pythonImports = (module: string) => existsSync(PY) && spawnSync(PY, ["-c", `import ${module}`]).status === 0;

/** Debian's python3 with PyYAML (what the ceci stand-in needs), or why not. */
export const noPython: string | undefined = pythonImports("yaml")
  ? undefined
  : `${PY} with PyYAML is missing (Debian's python3-yaml; ${SETUP})`;

/** h5py for that python3 (comparing HDF5 files with another reader), or why not. */
export const noH5py: string | undefined = pythonImports("h5py")
  ? undefined
  : `${PY} cannot import h5py (Debian's python3-h5py; ${SETUP})`;

/** tmux, for the terminal UI tests, or why not. */
export const noTmux: string | undefined = hasCommand("tmux") ? undefined : `tmux is not installed (${SETUP})`;

/** mpirun, for MPI stages, or why not. */
export const noMpirun: string | undefined = hasCommand("mpirun")
  ? undefined
  : `mpirun is not installed (Debian's openmpi-bin; ${SETUP})`;

/** Debian's chromium, for the HTML report test (driven by playwright-core), and where it is — or why not. */
export const CHROMIUM: string | undefined = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) =>
  existsSync(p),
);
export const noChromium: string | undefined = CHROMIUM
  ? undefined
  : `chromium is not installed (Debian's chromium; ${SETUP})`;

const isRoot = process.getuid?.() === 0;

/** Root, for tests that mount a tmpfs or run processes as another user, or why not. */
export const notRoot: string | undefined = isRoot ? undefined : "needs root (it mounts a tmpfs or switches users)";

/** What a private single-node Slurm needs (the test starts and stops its own daemons), or why not. */
export const noSlurm: string | undefined = !["slurmctld", "slurmd", "srun", "munged"].every(hasCommand)
  ? `Slurm is not installed (Debian's slurmctld, slurmd, slurm-client and munge; ${SETUP})`
  : isRoot
    ? undefined
    : "starting a private Slurm needs root (munged runs as the munge user)";

/**
 * Every test of the enclosing describe (or of the file, at top level) is skipped, reported with `why`, when
 * `why` is set. Call it first in the describe: its later beforeEach hooks do not run, but its beforeAll
 * hooks do, so they must not set up what is missing (`if (why) return;`), and afterEach / afterAll hooks
 * must cope with nothing set up.
 */
export function skipAllWhen(why: string | undefined): void {
  beforeEach((ctx) => {
    if (why) ctx.skip(why);
  });
}
