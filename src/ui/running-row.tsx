// A stage (or script) that is running: spinner, name, elapsed time and why it runs, and under it the last
// line of its log so a long stage shows signs of life. Redrawn in place on every clock tick.
import { join } from "node:path";
import { Box, Text } from "ink";
import { formatSeconds } from "../events/event-words.ts";
import type { StageRow } from "./build-state.ts";
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
      <Text wrap="truncate-end">
        <Text color="cyan">{spinnerFrame(now)}</Text> <Text bold>{row.name.padEnd(nameWidth)}</Text>
        {"  "}
        {elapsed.padStart(TIME_WIDTH)}
        {"  "}
        <Text dimColor>{row.reasons.join("; ")}</Text>
      </Text>
      {line ? (
        <Text wrap="truncate-end" dimColor>
          {`    › ${line}`}
        </Text>
      ) : null}
    </Box>
  );
}
