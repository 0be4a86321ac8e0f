// What lbg knows about a stage class without running it: declared tags, options and defining sources.
import type { FileType, OptionSpec } from "../sdk/stage.ts";

export interface StageMeta {
  /** Registered class name (what `classname:` refers to). */
  name: string;
  kind: "ts";
  /** Module it came from, as written in `modules:` (e.g. `lbg_stages`). */
  module: string;
  /** Defining file, relative to the project root. */
  file: string;
  /** Name under which the class is exported from its file (`default` or the class name). */
  exportName: string;
  doc: string;
  inputs: Record<string, FileType>;
  outputs: Record<string, FileType>;
  options: Record<string, OptionSpec>;
  /** Bundled JavaScript the workers import (absolute path, named by content hash). */
  bundle: string;
  /** Source files (relative to the root) whose content defines the stage's code fingerprint. */
  sources: string[];
}
