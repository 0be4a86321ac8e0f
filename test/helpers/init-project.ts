// A project made by the real `lbg init --no-install`, with node_modules laid out as `npm install` lays it out
// (lbg linked to this checkout — package.json says `file:` — and the registry packages it needs), so tests
// need no network. `npm install` itself is followed in the README walkthrough.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type LbgResult, parseEvents, REPO } from "./temp-project.ts";

export const LBG = join(REPO, "src", "bin", "lbg.mjs");

export function runLbg(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 120_000): LbgResult {
  const r = spawnSync(process.execPath, [LBG, ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout,
    killSignal: "SIGKILL",
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, events: parseEvents(r.stdout) };
}

export class InitProject {
  readonly parent = mkdtempSync(join(tmpdir(), "lbg-init-"));
  readonly dir = join(this.parent, "my-analysis");
  readonly init: LbgResult;

  constructor() {
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

  path(...p: string[]): string {
    return join(this.dir, ...p);
  }

  read(p: string): string {
    return readFileSync(this.path(p), "utf8");
  }

  write(p: string, text: string): void {
    mkdirSync(dirname(this.path(p)), { recursive: true });
    writeFileSync(this.path(p), text);
  }

  /** lbg as the project's own `npx lbg` runs it: node_modules/lbg's launcher. */
  lbg(args: string[], env: NodeJS.ProcessEnv = {}): LbgResult {
    const r = spawnSync(process.execPath, [this.path("node_modules", "lbg", "src", "bin", "lbg.mjs"), ...args], {
      cwd: this.dir,
      env: { ...process.env, ...env },
      encoding: "utf8",
      timeout: 120_000,
      killSignal: "SIGKILL",
    });
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, events: parseEvents(r.stdout) };
  }

  remove(): void {
    rmSync(this.parent, { recursive: true, force: true });
  }
}
