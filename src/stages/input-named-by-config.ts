// Which file a Python stage's config names for one of its inputs, in a file of its own: the fingerprint asks
// it for every Python stage it checks, and an incremental build must not load effective-config.ts for that.

/**
 * The file a Python stage's effective config names for its input `tag` (a key named like the class's tag),
 * as written (relative to the run root, where stages run); undefined when it names none. ceci takes it over
 * the `--<tag>` flag (StageConfig.set_config sets the config's keys first; check_io reads the inputs from
 * there), so the stage reads that file instead of the one the pipeline wires. (A key named like the alias is
 * never reached: check_io tries the tag first, and lbg always passes `--<tag>`.)
 */
export function inputNamedByConfig(config: Record<string, unknown>, tag: string): string | undefined {
  const v = config[tag];
  return typeof v === "string" && v !== "" ? v : undefined;
}
