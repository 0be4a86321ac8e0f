// How long the child processes that load stage code may take: introspecting the stage files and running
// their validate hooks. Top-level code or a hook that never returns is cut off and named, instead of lbg
// waiting for ever. 120 s by default (a cold import on a loaded login node's network file system can be
// slow); `LBG_LOAD_TIMEOUT=<seconds>` sets it (README, "Writing a stage").

const DEFAULT_LOAD_TIMEOUT_S = 120;

/** The limit in seconds: LBG_LOAD_TIMEOUT when it is a positive number, else the default. */
export function loadTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.LBG_LOAD_TIMEOUT);
  return env.LBG_LOAD_TIMEOUT && Number.isFinite(v) && v > 0 ? v : DEFAULT_LOAD_TIMEOUT_S;
}
