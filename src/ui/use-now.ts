// One clock for the live area: spinners, elapsed times and the ETA all read the same `now`, so they move
// together and only one timer runs, however many stages are running. It only ticks while `active` (nothing
// is redrawn while lbg watch is idle).
import { useEffect, useState } from "react";

export function useNow(intervalMs: number, active: boolean, clock: () => number = Date.now): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    if (!active) return;
    setNow(clock());
    const t = setInterval(() => setNow(clock()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs, active, clock]);
  return now;
}
