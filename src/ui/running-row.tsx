// A stage (or script) that is running: spinner, name, elapsed time, its progress bar and time left
// (row-progress.tsx) and why it runs, and under it the last line of its log so a long stage shows signs of life. Redrawn in place on every clock tick.
import { join } from "node:path";
import { Box, Text } from "ink";
import { formatSeconds } from "../events/event-words.ts";
import type { StageRow } from "./build-state.ts";
import { RowProgress } from "./row-progress.tsx";
import { TIME_WIDTH } from "./row-style.ts";
import { spinnerFrame } from "./spinner.ts";
import { useLastLogLine } from "./use-last-log-line.ts";

export function RunningRow({
  row,
  nameWidth,
  now,
  root,
}: {
  row: StageRow;
  nameWidth: number;
  now: number;
  root: string;
}) {
  const line = useLastLogLine(row.log ? join(root, row.log) : undefined);
  const elapsed = row.startedAt === undefined ? "" : formatSeconds(Math.max(0, (now - row.startedAt) / 1000));
  return (
    <Box flexDirection="column">
      {/* Redrawn in place, so one line: a reason too long for the terminal loses its middle, never its end
          (`config changed: SplitCatalog.seed 42 → 7` keeps the values). */}
      <Box>
        <Box flexShrink={0}>
          <Text>
            <Text color="cyan">{spinnerFrame(now)}</Text> <Text bold>{row.name.padEnd(nameWidth)}</Text>
            {"  "}
            {elapsed.padStart(TIME_WIDTH)}
            {"  "}
            <RowProgress row={row} now={now} />
          </Text>
        </Box>
        <Text wrap="truncate-middle" dimColor>
          {row.reasons.join("; ")}
        </Text>
      </Box>
      {line ? (
        <Text wrap="truncate-end" dimColor>
          {`    › ${line}`}
        </Text>
      ) : null}
    </Box>
  );
}
