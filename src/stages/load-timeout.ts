// How long the child processes that load stage code may take: introspecting the stage files and running
// their validate hooks, and importing Python ceci modules to read their stage classes. Top-level code or a
// hook that never returns is cut off and named, instead of lbg waiting for ever. `LBG_LOAD_TIMEOUT=<seconds>`
// sets it for both (README, "Writing a stage"); the defaults differ:
// - TypeScript stage files: 120 s (a cold import on a loaded login node's network file system can be slow);
// - Python modules: 300 s. Importing TXPipe or RAIL imports numpy, scipy, astropy, jax, sklearn... and every
//   stage module of the package; cold, on a busy node's network file system, that alone has taken minutes,
//   and one interpreter may import both packages when the cores are busy (python-module-loader.ts). 300 s
//   was the fixed limit before the variable applied to Python, so no import that worked then fails now.

const DEFAULT_LOAD_TIMEOUT_S = 120;
const DEFAULT_PYTHON_LOAD_TIMEOUT_S = 300;

/** The limit in seconds: LBG_LOAD_TIMEOUT when it is a positive number, else `fallback` (the TypeScript one). */
export function loadTimeoutSeconds(env: NodeJS.ProcessEnv = process.env, fallback = DEFAULT_LOAD_TIMEOUT_S): number {
  const v = Number(env.LBG_LOAD_TIMEOUT);
  return env.LBG_LOAD_TIMEOUT && Number.isFinite(v) && v > 0 ? v : fallback;
}

/** The limit for importing Python modules: LBG_LOAD_TIMEOUT too, with the larger Python default. */
export function pythonLoadTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return loadTimeoutSeconds(env, DEFAULT_PYTHON_LOAD_TIMEOUT_S);
}
