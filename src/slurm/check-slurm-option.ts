// Values lbg hands to salloc or writes into `#SBATCH` lines: checked first, like every other flag, so that
// `--nodes abc` is one clear error of lbg's rather than salloc's, and a value with a newline cannot add
// lines of its own to a batch script.
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { hasControlChars } from "../fs/has-control-chars.ts";

// Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or no limit.
const TIME = /^(\d+(:\d{1,2}){0,2}|\d+-\d+(:\d{1,2}){0,2}|UNLIMITED|unlimited|INFINITE|infinite)$/;

/** Why `value` is no good for the Slurm option `key` (qos, time, nodes, ...), or undefined. */
export function slurmOptionProblem(key: string, value: string): string | undefined {
  if (value === "") return "is empty";
  if (/\s/.test(value) || hasControlChars(value)) return "contains spaces or control characters";
  if (key === "nodes" && !/^[1-9]\d*(-[1-9]\d*)?$/.test(value))
    return "expected a number of nodes (N, or a range MIN-MAX)";
  if (key === "time" && !TIME.test(value))
    return "expected a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS";
  return undefined;
}

/** Throws a clear error (exit 2) for a bad value; `where` is the flag or the file it came from. */
export function checkSlurmOption(key: string, value: string, where: SourcePos, shown = `--${key} ${value}`): void {
  const why = slurmOptionProblem(key, value);
  if (why)
    throw new LbgError(
      `${shown}: ${why}`,
      where,
      key === "time" ? "for example --time 30 or --time 02:00:00" : undefined,
    );
}
