// `lbg watch <run> --json` as a child process, with its events parsed as they arrive.
import { afterEach } from "vitest";
import { parseEvents, type TempProject } from "../helpers/temp-project.ts";

export type Ev = Record<string, any>;

export class Watcher {
  private buf = "";
  readonly child;
  readonly exited: Promise<number | null>;
  constructor(
    readonly p: TempProject,
    extra: string[] = [],
    run = "numbers",
    env: NodeJS.ProcessEnv = {},
  ) {
    this.child = p.spawn(["watch", run, "--json", ...extra], env);
    this.child.stdout!.on("data", (d: Buffer) => (this.buf += d.toString()));
    this.exited = new Promise((r) => this.child.on("exit", (code) => r(code)));
  }
  events(): Ev[] {
    return parseEvents(this.buf.slice(0, this.buf.lastIndexOf("\n") + 1));
  }
  /** Waits until the n-th event matching pred has arrived (counting from the start). */
  async until(pred: (e: Ev) => boolean, n = 1, ms = 20_000): Promise<Ev[]> {
    const t = Date.now();
    while (this.events().filter(pred).length < n) {
      if (this.child.exitCode !== null)
        throw new Error(`lbg watch exited with ${this.child.exitCode}; events:\n${this.buf}`);
      if (Date.now() - t > ms) throw new Error(`timed out waiting; events:\n${this.buf}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.events();
  }
  idleCount(): number {
    return this.events().filter((e) => e.event === "watch-idle").length;
  }
  /** Stages started in the build that follows the k-th idle. */
  startedAfterIdle(k: number): string[] {
    const ev = this.events();
    let seen = 0;
    const out: string[] = [];
    for (const e of ev) {
      if (e.event === "watch-idle") seen++;
      else if (seen === k && e.event === "stage-start") out.push(e.stage);
    }
    return out;
  }
  /** Stops it with Ctrl-C (if still running). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill("SIGINT");
      await this.exited;
    }
  }
}

/** The clean-up every watch test needs, registered in the calling describe: after each test its watch is
 *  stopped (Ctrl-C, so it cannot outlive the test) and then its project removed. `current` reads the test's
 *  own variables, which each test assigns. Both steps are safe to repeat (a stopped watch, a removed project). */
export function stopAndRemoveAfterEach(current: () => { p?: TempProject; w?: Watcher }): void {
  afterEach(async () => {
    const { p, w } = current();
    await w?.stop();
    p?.remove();
  });
}
