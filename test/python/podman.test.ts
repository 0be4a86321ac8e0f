// A real container: podman (Debian's, with its docker-compatible command line) runs a ceci stage from an
// image built here, through the very `docker run …` line lbg builds for ceci's `image:`. The image holds
// only what the stage needs, copied from this machine (Python, PyYAML, bash); it lives in podman storage
// under a temporary folder, so the test leaves nothing behind. Podman's settings for this kind of machine
// (runc: crun refuses hybrid cgroups; ulimits no higher than the machine's, which it cannot raise) go in a
// temporary containers.conf.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython } from "../helpers/requirements.ts";
import { hasCommand, TempProject } from "../helpers/temp-project.ts";

const IMAGE = "localhost/lbg-test-python:1";
const why =
  noPython ??
  (!hasCommand("podman") || !hasCommand("runc")
    ? "podman and runc are not installed (Debian's podman and runc; npm run setup:optional installs them)"
    : undefined);

/** A root file system with python3 (standard library and PyYAML), bash and sh, and the libraries they load. */
function makeRootfs(dir: string): void {
  const real = (p: string) => spawnSync("readlink", ["-f", p], { encoding: "utf8" }).stdout.trim();
  const bins = [real(PY), real("/bin/bash"), real("/bin/sh")];
  for (const d of ["usr/bin", "usr/lib", "usr/lib64", "usr/lib/python3/dist-packages", "tmp", "work", "etc"])
    mkdirSync(join(dir, d), { recursive: true });
  for (const l of ["bin", "lib", "lib64"]) symlinkSync(`usr/${l}`, join(dir, l));
  for (const b of bins) cpSync(b, join(dir, "usr/bin", basename(b)));
  symlinkSync(basename(bins[0]!), join(dir, "usr/bin/python3"));
  symlinkSync(basename(bins[2]!), join(dir, "usr/bin/sh"));
  for (const b of bins) {
    const ldd = spawnSync("ldd", [b], { encoding: "utf8" }).stdout;
    for (const m of ldd.matchAll(/(\/\S+\.so[.\d]*)/g)) {
      const lib = real(m[1]!);
      const to = join(dir, m[1]!.replace(/^\/lib/, "/usr/lib"));
      mkdirSync(dirname(to), { recursive: true });
      cpSync(lib, to);
    }
  }
  const stdlib = spawnSync(PY, ["-c", "import os, yaml; print(os.__file__); print(yaml.__file__)"], {
    encoding: "utf8",
  })
    .stdout.trim()
    .split("\n");
  cpSync(dirname(stdlib[0]!), join(dir, dirname(stdlib[0]!)), { recursive: true });
  cpSync(dirname(stdlib[1]!), join(dir, "usr/lib/python3/dist-packages/yaml"), { recursive: true });
}

describe("a real container (podman)", () => {
  let tmp: string;
  let p: TempProject;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    if (why) return;
    tmp = mkdtempSync(join(tmpdir(), "lbg-podman-"));
    writeFileSync(
      join(tmp, "storage.conf"),
      `[storage]\ndriver = "vfs"\ngraphroot = "${tmp}/graph"\nrunroot = "${tmp}/run"\n`,
    );
    writeFileSync(
      join(tmp, "containers.conf"),
      '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n[engine]\nruntime = "runc"\n',
    );
    mkdirSync(join(tmp, "bin"));
    writeFileSync(join(tmp, "bin", "docker"), '#!/bin/sh\nexec podman "$@"\n');
    chmodSync(join(tmp, "bin", "docker"), 0o755);
    env = {
      LBG_PYTHON: PY,
      PATH: `${tmp}/bin:${process.env.PATH}`,
      CONTAINERS_STORAGE_CONF: join(tmp, "storage.conf"),
      CONTAINERS_CONF: join(tmp, "containers.conf"),
    };
    makeRootfs(join(tmp, "rootfs"));
    const imp = spawnSync("sh", ["-c", `tar -C rootfs -c . | podman import --change WORKDIR=/work - ${IMAGE}`], {
      cwd: tmp,
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    if (imp.status !== 0) throw new Error(`podman import failed: ${imp.stderr}`);
    p = new TempProject(["mini", "mixed"]);
  }, 300_000);
  afterAll(() => {
    p?.remove();
    if (tmp) {
      spawnSync("podman", ["rmi", "-a", "-f"], { env: { ...process.env, ...env } });
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("runs the stage in the image, with the project mounted at the image's working folder", (ctx) => {
    if (why) return ctx.skip(why);
    p.write(
      "ceci/podman.yml",
      `modules: lbgtest_stages
python_paths: pylib
site:
  name: local
  image: ${IMAGE}
  volume: \${PWD}:/work
stages:
  - name: PyScale
  - name: PyScaleTwice
    classname: PyScale
    aliases: {numbers: scaled, scaled: scaled_twice}
inputs:
  numbers: ./data/numbers.txt
config: ./ceci/config.yml
resume: True
output_dir: ./ceci/out
log_dir: ./ceci/logs
`,
    );
    const r = p.build("ceci/podman.yml", [], env);
    expect(
      r.code,
      `${r.stdout}${r.stderr}${p.exists("ceci/logs/PyScale.out") ? p.read("ceci/logs/PyScale.out") : ""}`,
    ).toBe(0);
    expect(p.read("ceci/out/scaled_twice.txt")).toBe("200\n400\n600\n");
    expect(p.read("ceci/logs/PyScale.out")).toMatch(
      /^Command is: docker run --env OMP_NUM_THREADS=1 -v \$\{PWD\}:\/work --rm -i /,
    );
    expect(p.build("ceci/podman.yml", [], env).ran).toEqual([]);
  }, 300_000);
});
