// Inside a running row, after its elapsed time: the stage's own bar and percentage when it reports progress
// (ctx.progress, `lbg-progress:` lines), and its time left when one can be estimated (estimate-remaining.ts):
//
//   ⠹ EstimatePhotozTarget    12.40s  ██████░░░░  62% · ~8s left  input changed: catalog
import { Text } from "ink";
import type { StageRow } from "./build-state.ts";
import { stageRemaining } from "./estimate-remaining.ts";
import { formatEta } from "./progress-bar.tsx";

const BAR_WIDTH = 10;

export function RowProgress({ row, now }: { row: StageRow; now: number }) {
  const p = row.progress;
  const left = stageRemaining(row, now);
  if (!p && left === undefined) return null;
  const filled = p ? Math.min(BAR_WIDTH, Math.floor((p.done / p.total) * BAR_WIDTH)) : 0;
  return (
    <Text>
      {p ? (
        <>
          <Text color="cyan">{"█".repeat(filled)}</Text>
          <Text dimColor>{"░".repeat(BAR_WIDTH - filled)}</Text>
          {` ${String(Math.floor((100 * p.done) / p.total)).padStart(3)}%`}
        </>
      ) : null}
      {left === undefined ? null : <Text dimColor>{`${p ? " · " : ""}~${formatEta(left)} left`}</Text>}
      {"  "}
    </Text>
  );
}
