// The last line a running stage logged, re-read every `intervalMs` while the row is on screen. Reads never
// overlap (a slow disk skips a tick instead of piling up reads) and stop when the row unmounts.
import { useEffect, useState } from "react";
import { readLastLine } from "./read-last-line.ts";

export function useLastLogLine(file: string | undefined, intervalMs = 200): string {
  const [line, setLine] = useState("");
  useEffect(() => {
    if (!file) return;
    let stopped = false;
    let reading = false;
    const poll = async () => {
      if (reading) return;
      reading = true;
      const l = await readLastLine(file);
      reading = false;
      if (!stopped) setLine(l);
    };
    void poll();
    const t = setInterval(() => void poll(), intervalMs);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [file, intervalMs]);
  return line;
}
