// `--json`: every event as one JSON object per line on stdout, and nothing else on stdout.
import type { BuildEvent } from "../events/build-event.ts";

export function jsonReporter(write: (s: string) => void = (s) => process.stdout.write(s)): (e: BuildEvent) => void {
  return (e) => write(`${JSON.stringify(e)}\n`);
}
