// In a file of its own, without imports: the command line (src/cli/run-args.ts) reads it on every start,
// where loading the YAML parser would slow a no-op build.

/** The top-level keys of a ceci pipeline file (what an override `key=value` sets). */
export const CECI_KEYS = [
  "modules",
  "stages",
  "inputs",
  "config",
  "resume",
  "output_dir",
  "log_dir",
  "launcher",
  "site",
  "python_paths",
  "registry",
  "to",
  "from",
  "pre_script",
  "post_script",
];
