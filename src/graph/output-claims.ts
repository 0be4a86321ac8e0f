// Every file a build writes belongs to one output of one stage. Two outputs resolving to the same path
// (an output name override equal to another stage's file, or an alias that lands on it) would overwrite each
// other on every build, so each would always look modified; an output inside another one (a file below a
// `directory` output) is removed whenever that directory is put in place. Both are rejected while wiring.
import { dirname, relative } from "node:path";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";

export interface OutputClaim {
  /** For messages: `output 'numbers' of stage 'MakeNumbers'`. */
  what: string;
  pos: SourcePos;
  /** Whether the position is where the path was chosen (an output name override): the better one to show. */
  chosen: boolean;
}

export class OutputClaims {
  private byPath = new Map<string, OutputClaim>();
  /** Folder → one claim below it, to notice a new path that is a parent of a claimed one. */
  private below = new Map<string, { path: string; claim: OutputClaim }>();

  constructor(
    private readonly root: string,
    private readonly outputDir: string,
  ) {}

  /** The output that writes `path`, if any. */
  owner(path: string): OutputClaim | undefined {
    return this.byPath.get(path);
  }

  claim(path: string, c: OutputClaim): void {
    const clash = (other: OutputClaim, how: string): LbgError => {
      const where = c.chosen || !other.chosen ? c.pos : other.pos;
      return new LbgError(
        `${c.what} and ${other.what} ${how}`,
        where,
        "give one of them another file name (an alias, or an output name override in the stage config)",
      );
    };
    const same = this.byPath.get(path);
    if (same) throw clash(same, `are the same file: ${relative(this.root, path)}`);
    const inner = this.below.get(path);
    if (inner)
      throw clash(
        inner.claim,
        `overlap: ${relative(this.root, inner.path)} would lie inside ${relative(this.root, path)}`,
      );
    const parents: string[] = [];
    for (let d = dirname(path); d.length > this.outputDir.length; d = dirname(d)) {
      const outer = this.byPath.get(d);
      if (outer) throw clash(outer, `overlap: ${relative(this.root, path)} would lie inside ${relative(this.root, d)}`);
      parents.push(d);
    }
    this.byPath.set(path, c);
    for (const d of parents) if (!this.below.has(d)) this.below.set(d, { path, claim: c });
  }
}
