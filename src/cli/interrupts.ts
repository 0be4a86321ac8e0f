// SIGINT / SIGTERM / SIGHUP while lbg works: abort (running stages are cancelled) and remember the exit code
// the shell expects for the signal (130 / 143 / 129). SIGHUP is what a dropped ssh session or a closed
// terminal sends: stage workers run in process groups of their own, so the hangup never reaches them, and
// unless lbg cancels them they would keep running (and writing) with nobody left to record their results.
export interface Interrupts {
  signal: AbortSignal;
  /** 0 until a signal arrived. */
  code(): number;
  abort(): void;
  dispose(): void;
}

const CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export function catchInterrupts(): Interrupts {
  const ctl = new AbortController();
  let code = 0;
  const on = (sig: NodeJS.Signals) => {
    code = CODES[sig] ?? 143;
    ctl.abort();
  };
  const signals = Object.keys(CODES) as NodeJS.Signals[];
  for (const s of signals) process.on(s, on);
  return {
    signal: ctl.signal,
    code: () => code,
    abort: () => ctl.abort(),
    dispose: () => {
      for (const s of signals) process.off(s, on);
    },
  };
}
