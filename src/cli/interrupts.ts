// SIGINT / SIGTERM while lbg works: abort (running stages are cancelled) and remember the exit code the
// shell expects for the signal (130 / 143).
export interface Interrupts {
  signal: AbortSignal;
  /** 0 until a signal arrived. */
  code(): number;
  abort(): void;
  dispose(): void;
}

export function catchInterrupts(): Interrupts {
  const ctl = new AbortController();
  let code = 0;
  const on = (sig: NodeJS.Signals) => {
    code = sig === "SIGINT" ? 130 : 143;
    ctl.abort();
  };
  process.on("SIGINT", on);
  process.on("SIGTERM", on);
  return {
    signal: ctl.signal,
    code: () => code,
    abort: () => ctl.abort(),
    dispose: () => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
    },
  };
}
