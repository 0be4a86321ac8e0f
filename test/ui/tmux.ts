// A real terminal for end-to-end UI tests: the CLI runs inside a detached tmux session (a pseudo-terminal,
// so stdout.isTTY is true) and the test reads the screen with `tmux capture-pane`. Each rig runs its own
// tmux server on a socket in its own temporary folder, so it never touches a user's tmux sessions and
// leaves nothing behind.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { noTmux, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

export class Tmux {
  private readonly dir = mkdtempSync(join(tmpdir(), "lbg-tmux-"));
  private readonly socket = join(this.dir, "socket");
  private n = 0;

  private tmux(args: string[]): string {
    const r = spawnSync("tmux", ["-S", this.socket, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  }

  /** Starts `command` (a shell command line) in a new terminal in `cwd` (120×40 unless `size` says otherwise);
   *  returns the session name.
   *  The command's exit code is printed as `EXIT=<code>` and the pane stays open to be read. CI variables
   *  are removed: lbg (rightly) prints plain lines in CI, and this is a user's terminal. */
  start(cwd: string, command: string, env: Record<string, string> = {}, size = { columns: 120, rows: 40 }): string {
    const name = `s${this.n++}`;
    const vars = Object.entries({ TERM: "xterm-256color", ...env })
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    const line = `env -u CI -u CONTINUOUS_INTEGRATION ${vars} ${command}; echo EXIT=$?; sleep 600`;
    const { columns, rows } = size;
    this.tmux(["new-session", "-d", "-s", name, "-x", String(columns), "-y", String(rows), "-c", cwd, line]);
    return name;
  }

  /** The visible screen plus scrollback, as text. */
  screen(name: string): string {
    return this.tmux(["capture-pane", "-p", "-J", "-S", "-500", "-t", name]);
  }

  sendKeys(name: string, ...keys: string[]): void {
    this.tmux(["send-keys", "-t", name, ...keys]);
  }

  /** Polls the screen until `pred` holds; every screen seen is passed to `onScreen`. */
  async waitFor(
    name: string,
    pred: (screen: string) => boolean,
    opts: { ms?: number; onScreen?: (s: string) => void } = {},
  ): Promise<string> {
    const t = Date.now();
    for (;;) {
      const s = this.screen(name);
      opts.onScreen?.(s);
      if (pred(s)) return s;
      if (Date.now() - t > (opts.ms ?? 40_000)) throw new Error(`timed out waiting for the screen; it shows:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(): void {
    spawnSync("tmux", ["-S", this.socket, "kill-server"]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The set-up of a describe block of terminal tests: its tests are skipped (with the reason) without tmux;
 * otherwise a temporary project of `fixture` and a tmux rig are made before them, handed to `use`, and
 * removed after them.
 */
export function inTerminal(fixture: string, use: (rig: { p: TempProject; tmux: Tmux }) => void): void {
  skipAllWhen(noTmux);
  let rig: { p: TempProject; tmux: Tmux } | undefined;
  beforeAll(() => {
    if (noTmux) return;
    rig = { p: new TempProject(fixture), tmux: new Tmux() };
    use(rig);
  });
  afterAll(() => {
    rig?.tmux.kill();
    rig?.p.remove();
  });
}
