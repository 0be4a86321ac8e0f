// Test rig: a temporary copy of an lbg project (the repository itself, or a fixture under test/fixtures)
// and a way to run the real CLI on it as a user would.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The type check of stage files is off in the commands this rig runs unless a test turns it on (env
 *  `LBG_TYPE_CHECK`, `--type-check` or a site file's `type_check`; test/stages/type-check.test.ts does): the
 *  stages tests write are about what lbg does at run time, some are deliberately ill-typed, and a first check
 *  costs seconds of CPU in every new temporary project. */
const RIG_ENV = { LBG_TYPE_CHECK: "off" };

export interface LbgResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Parsed JSON lines of stdout (for --json runs). */
  events: Record<string, any>[];
}

/** A project folder's files, by paths relative to it. */
export class ProjectFiles {
  constructor(readonly dir: string) {}

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
}

export class TempProject extends ProjectFiles {
  /**
   * `fixture`: folders under test/fixtures laid, in order, over a copy of src/ and package.json (a later one
   * replaces files of an earlier one); none = a copy of the repository's own configs and lbg_stages.
   */
  constructor(fixture?: string | string[]) {
    super(mkdtempSync(join(tmpdir(), "lbg-test-")));
    cpSync(join(REPO, "src"), join(this.dir, "src"), { recursive: true });
    cpSync(join(REPO, "package.json"), join(this.dir, "package.json"));
    cpSync(join(REPO, "docs", "help"), join(this.dir, "docs", "help"), { recursive: true }); // lbg help's text
    symlinkSync(join(REPO, "node_modules"), join(this.dir, "node_modules"));
    if (fixture)
      for (const f of [fixture].flat()) cpSync(join(REPO, "test", "fixtures", f), this.dir, { recursive: true });
    else {
      for (const d of ["configs", "lbg_stages"]) cpSync(join(REPO, d), join(this.dir, d), { recursive: true });
    }
  }

  exists(p: string): boolean {
    return existsSync(this.path(p));
  }

  /** Runs `lbg <args>` synchronously in the project (as `prefix`, e.g. setpriv, when given); an lbg that
   *  hangs is killed with SIGKILL after `timeout` ms, since a hung one may not answer SIGTERM. */
  lbg(
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number; prefix?: string[] } = {},
  ): LbgResult {
    const cmd = [...(opts.prefix ?? []), process.execPath, this.path("src", "bin", "lbg.mjs"), ...args];
    const r = spawnSync(cmd[0]!, cmd.slice(1), {
      cwd: opts.cwd ?? this.dir,
      env: { ...process.env, ...RIG_ENV, ...opts.env },
      encoding: "utf8",
      timeout: opts.timeout ?? 120_000,
      killSignal: "SIGKILL",
    });
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, events: parseEvents(r.stdout) };
  }

  /** Starts `lbg <args>` without waiting (for kill and lock tests). */
  spawn(args: string[], env: NodeJS.ProcessEnv = {}) {
    return spawn(process.execPath, [this.path("src", "bin", "lbg.mjs"), ...args], {
      cwd: this.dir,
      env: { ...process.env, ...RIG_ENV, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /** `lbg build <run> --json` plus a summary of which stages ran. */
  build(run: string, extra: string[] = [], env?: NodeJS.ProcessEnv) {
    const r = this.lbg(["build", run, "--json", ...extra], { env });
    const ran = r.events.filter((e) => e.event === "stage-start").map((e) => e.stage as string);
    const fresh = r.events.filter((e) => e.event === "stage-fresh").map((e) => e.stage as string);
    const reasons = Object.fromEntries(
      r.events.filter((e) => e.event === "stage-start").map((e) => [e.stage, e.reasons as string[]]),
    );
    const end = r.events.find((e) => e.event === "build-end");
    return { ...r, ran, fresh, reasons, end };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function parseEvents(stdout: string): Record<string, any>[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
}

/** Whether `cmd` is on PATH. */
export function hasCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** Resolves once a JSON event matching `pred` is on the child's stdout; rejects if the build ends first. */
export function waitForEvent(
  child: ReturnType<TempProject["spawn"]>,
  pred: (e: Record<string, any>) => boolean,
  ms = 30_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error(`timed out; stdout so far:\n${buf}`)), ms);
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const events = parseEvents(buf.slice(0, buf.lastIndexOf("\n") + 1));
      if (events.some(pred)) {
        clearTimeout(timer);
        resolve(buf);
      } else if (events.some((e) => e.event === "build-end")) {
        clearTimeout(timer);
        reject(new Error(`build ended first:\n${buf}`));
      }
    });
  });
}
