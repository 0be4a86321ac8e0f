// ceci's containers: `image:` and `volume:` in the site section or per stage run a Python stage through
// `docker run` on the local site and `shifter` at NERSC, with the command lines of ceci's sites code, and the
// image (and volume) are part of the stage's fingerprint. Stand-ins for docker and shifter
// (test/fixtures/containers/bin) record their arguments and run the command inside.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { REPO, TempProject } from "../helpers/temp-project.ts";

const BIN = join(REPO, "test", "fixtures", "containers", "bin");
const FILE = "ceci/box.yml";

function pipeline(site: string, stages = "  - name: PyScale\n"): string {
  return `modules: lbgtest_stages
python_paths: pylib
site:
${site}
stages:
${stages}inputs:
  numbers: ./data/numbers.txt
config: ./ceci/config.yml
resume: True
output_dir: ./ceci/out
log_dir: ./ceci/logs
`;
}

/** ceci's local-site line for a stage in docker (ceci/sites/local.py's f-string, as ceci-protocol.md gives
 *  it), from the same stage command: what its shell would pass to docker. */
function ceciDockerArgv(
  cwd: string,
  o: { threads: number; volume?: string; image: string; paths: string[]; cmd: string[] },
) {
  const pathsStart = o.paths.length ? `bash -c 'PYTHONPATH=$PYTHONPATH:${o.paths.join(":")}` : "";
  const line = `docker run --env OMP_NUM_THREADS=${o.threads} ${o.volume ? `-v ${o.volume} ` : ""} --rm -it ${o.image} ${pathsStart}  ${o.cmd.join("   ")}  ${o.paths.length ? "'" : ""}`;
  const r = spawnSync("/bin/sh", ["-c", `eval "set -- $1"; printf '%s\\0' "$@"`, "sh", line], {
    cwd,
    encoding: "utf8",
  });
  return r.stdout.split("\0").slice(0, -1);
}

describe("containers", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  let env: NodeJS.ProcessEnv;
  const records = () =>
    existsSync(p.path("record.jsonl"))
      ? readFileSync(p.path("record.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as string[])
      : [];
  beforeEach(() => {
    p = new TempProject(["mini", "mixed"]);
    env = { LBG_PYTHON: PY, PATH: `${BIN}:${process.env.PATH}`, CONTAINER_RECORD: p.path("record.jsonl") };
  });
  afterEach(() => p?.remove());

  it("a site image runs every Python stage in docker, as ceci's local site builds the line", () => {
    p.write(FILE, pipeline("  name: local\n  image: desc/stages:1\n  volume: ${PWD}:/opt/work"));
    const r = p.build(FILE, [], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(p.read("ceci/out/scaled.txt")).toBe("2\n4\n6\n");
    const [docker] = records();
    const config = /--config=(\S+)/.exec(docker!.at(-1)!)![1]!;
    expect(config).toMatch(/^\.cache\/runs\/ceci-ceci_box-\w+\/config\.yaml$/); // relative: inside the volume
    const cmd = [
      "python3 -m lbgtest_stages PyScale",
      "--numbers=data/numbers.txt",
      `--config=${config}`,
      "--scaled=ceci/out/scaled.txt",
    ];
    const ceci = ceciDockerArgv(p.dir, {
      threads: 1,
      volume: "${PWD}:/opt/work",
      image: "desc/stages:1",
      paths: ["pylib"],
      cmd,
    });
    // The same words (bash -c splits its line into words too), but -i for ceci's -it: lbg's stages have no
    // terminal, and docker refuses -t without one.
    const words = (argv: string[]) => [...argv.slice(0, -1), ...argv.at(-1)!.trim().split(/\s+/)];
    expect(words(docker!)).toEqual(words(ceci.map((a) => (a === "-it" ? "-i" : a))));
    expect(docker).toContain(`${p.dir}:/opt/work`);
    // The log's header and the dry run show the shell line itself.
    expect(p.read("ceci/logs/PyScale.out").split("\n")[0]).toBe(
      `Command is: docker run --env OMP_NUM_THREADS=1 -v \${PWD}:/opt/work --rm -i desc/stages:1 bash -c 'PYTHONPATH=$PYTHONPATH:pylib python3 -m lbgtest_stages PyScale --numbers=data/numbers.txt --config=${config} --scaled=ceci/out/scaled.txt'`,
    );
  });

  it("a stage's own image or volume wins over the site's; an empty image means none; MPI runs inside", () => {
    const stages = `  - name: PyScale
    image: other/img
  - name: PyScaleTwice
    classname: PyScale
    image:
    aliases: {numbers: scaled, scaled: scaled_twice}
  - name: PyRanks
    volume: /data:/data
    nprocess: 2
    aliases: {numbers: scaled_twice}
`;
    p.write(FILE, pipeline("  name: local\n  image: desc/stages:1", stages));
    const r = p.lbg(["build", FILE, "-n", "--json"], { env });
    expect(r.code, r.stderr).toBe(0);
    const cmd = Object.fromEntries(r.events.filter((e) => e.event === "stage-start").map((e) => [e.stage, e.command]));
    expect(cmd.PyScale).toMatch(
      /^docker run --env OMP_NUM_THREADS=1 --rm -i other\/img bash -c 'PYTHONPATH=\$PYTHONPATH:pylib python3 -m /,
    );
    expect(cmd.PyScaleTwice).toMatch(/^OMP_NUM_THREADS=1 PYTHONPATH=\S+ \S+python3 -m lbgtest_stages PyScale /);
    expect(cmd.PyRanks).toMatch(
      /^docker run --env OMP_NUM_THREADS=1 -v \/data:\/data --rm -i desc\/stages:1 bash -c 'PYTHONPATH=\$PYTHONPATH:pylib mpirun -n 2 python3 -m lbgtest_stages PyRanks .* --mpi'$/,
    );
  });

  it("the image and the volume are part of the fingerprint", () => {
    p.write(FILE, pipeline("  name: local\n  image: desc/stages:1"));
    expect(p.build(FILE, [], env).ran).toEqual(["PyScale"]);
    expect(p.build(FILE, [], env).ran).toEqual([]);
    const moved = p.build(FILE, ["site.image=desc/stages:2"], env);
    expect(moved.reasons).toEqual({ PyScale: ["container image changed: desc/stages:1 → desc/stages:2"] });
    const mounted = p.build(FILE, ["site.image=desc/stages:2", "site.volume=/src:/opt/txpipe"], env);
    expect(mounted.reasons).toEqual({ PyScale: ["container volume changed: (none) → /src:/opt/txpipe"] });
    const native = p.build(FILE, ["site.image="], env);
    expect(native.reasons.PyScale).toEqual([
      "container image changed: desc/stages:2 → (none)",
      "container volume changed: /src:/opt/txpipe → (none)",
    ]);
    expect(records()).toHaveLength(3);
  });

  it("at NERSC the stage runs in shifter, as the srun step's command", () => {
    // A stand-in srun (lbg runs stages as job steps at NERSC sites): drops its options, runs the command.
    p.write("bin/srun", '#!/bin/sh\nwhile [ "${1#--}" != "$1" ]; do shift; done\nexec "$@"\n');
    chmodSync(p.path("bin/srun"), 0o755);
    env.PATH = `${p.path("bin")}:${env.PATH}`;
    p.write(FILE, pipeline("  name: nersc-interactive\n  image: docker:desc/stages:1\n  volume: /global/x:/opt/x"));
    const r = p.build(FILE, [], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(p.read("ceci/out/scaled.txt")).toBe("2\n4\n6\n");
    const [shifter] = records();
    expect(shifter!.slice(0, 7)).toEqual([
      "shifter",
      "--env",
      "OMP_NUM_THREADS=1",
      "-V",
      "/global/x:/opt/x",
      "--image",
      "docker:desc/stages:1",
    ]);
    expect(shifter!.slice(7, 9)).toEqual(["bash", "-c"]);
    expect(shifter![9]).toMatch(
      /^PYTHONPATH=\$PYTHONPATH:pylib python3 -m lbgtest_stages PyScale --numbers=data\/numbers\.txt /,
    );
    expect(r.events.find((e) => e.event === "stage-start")!.command).toMatch(
      /^srun --ntasks=1 --cpus-per-task=1 --nodes=1 --exact --job-name=PyScale --kill-on-bad-exit=1 shifter --env OMP_NUM_THREADS=1 -V \/global\/x:\/opt\/x --image docker:desc\/stages:1 bash -c '/,
    );
  });

  it("cc-parallel uses singularity, as ceci's ccin2p3 site does", () => {
    p.write(FILE, pipeline("  name: cc-parallel\n  image: txpipe.sif\n  volume: /sps:/sps"));
    const r = p.lbg(["build", FILE, "-n", "--json"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.events.find((e) => e.event === "stage-start")!.command).toMatch(
      /^singularity run --env OMP_NUM_THREADS=1 --bind \/sps:\/sps txpipe\.sif bash -c ' cd \/opt\/TXPipe && PYTHONPATH=\$PYTHONPATH:pylib python3 -m lbgtest_stages PyScale .* '$/,
    );
  });

  it("an image on a TypeScript stage is an error at its line; a site image leaves TypeScript stages in lbg's workers", () => {
    p.write("configs/sites/box.yaml", "site:\n  name: local\n  image: desc/stages:1\n");
    const mixed = p.lbg(["build", "mixed", "--site", "box", "-n", "--json"], { env });
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(mixed.events.find((e) => e.event === "warning")?.message).toMatch(
      /site image desc\/stages:1 applies to Python stages; TypeScript stages \(MakeNumbers, CountJoined\) run in lbg's workers/,
    );
    const cmd = Object.fromEntries(
      mixed.events.filter((e) => e.event === "stage-start").map((e) => [e.stage, e.command]),
    );
    expect(cmd.MakeNumbers).toMatch(/^\[lbg worker\] /);
    expect(cmd.PyScale).toMatch(/^docker run /);
    p.write(
      "configs/pipelines/numbers/pipeline.yaml",
      p
        .read("configs/pipelines/numbers/pipeline.yaml")
        .replace("  - name: MakeNumbers\n", "  - name: MakeNumbers\n    image: x/y\n"),
    );
    const r = p.lbg(["status", "mixed"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^lbg: error: configs\/pipelines\/numbers\/pipeline\.yaml:\d+:\d+: stage MakeNumbers is a TypeScript stage: 'image' applies to Python stages only/,
    );
  });
});
