// A project made by the real `lbg init --no-install`, with node_modules laid out as `npm install` lays it out
// (lbg linked to this checkout — package.json says `file:` — and the registry packages it needs), so tests
// need no network. `npm install` itself is followed in the README walkthrough.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type LbgResult, ProjectFiles, parseEvents, REPO } from "./temp-project.ts";

export const LBG = join(REPO, "src", "bin", "lbg.mjs");

/** lbg (this checkout's launcher, or `launcher`) run in `cwd`. */
export function runLbg(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  timeout = 120_000,
  launcher = LBG,
): LbgResult {
  const r = spawnSync(process.execPath, [launcher, ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout,
    killSignal: "SIGKILL",
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, events: parseEvents(r.stdout) };
}

export class InitProject extends ProjectFiles {
  readonly parent: string;
  readonly init: LbgResult;

  constructor() {
    const parent = mkdtempSync(join(tmpdir(), "lbg-init-"));
    super(join(parent, "my-analysis"));
    this.parent = parent;
    this.init = runLbg(["init", "my-analysis", "--no-install"], this.parent);
    if (this.init.code !== 0) throw new Error(`lbg init failed: ${this.init.stderr}`);
    const pkg = JSON.parse(readFileSync(join(this.dir, "package.json"), "utf8"));
    const nm = join(this.dir, "node_modules");
    mkdirSync(nm);
    // What npm does for `file:<dir>`: a symlink; for registry packages: a copy (a symlink will do here).
    symlinkSync(pkg.devDependencies.lbg.replace(/^file:/, ""), join(nm, "lbg"));
    for (const dep of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
      if (dep === "lbg") continue;
      mkdirSync(dirname(join(nm, dep)), { recursive: true });
      symlinkSync(join(REPO, "node_modules", dep), join(nm, dep));
    }
  }

  /** lbg as the project's own `npx lbg` runs it: node_modules/lbg's launcher. */
  lbg(args: string[], env: NodeJS.ProcessEnv = {}): LbgResult {
    return runLbg(args, this.dir, env, 120_000, this.path("node_modules", "lbg", "src", "bin", "lbg.mjs"));
  }

  remove(): void {
    rmSync(this.parent, { recursive: true, force: true });
  }
}
