// A row in its final state, printed once above the live area: symbol, name, time and why it ran — and for a
// failure, where its log is and the log's last lines, so nobody has to go looking.
import { Box, Text } from "ink";
import { formatSeconds, SUPERSEDED_WORDS } from "../events/event-words.ts";
import type { StageRow } from "./build-state.ts";
import { cleanLine } from "./read-last-line.ts";
import { ROW_STYLE, TIME_WIDTH } from "./row-style.ts";

/** Log lines shown under a failed row (the event carries up to 20; the log path has the rest). */
export const FAILED_TAIL_LINES = 12;

function detail(row: StageRow): string {
  const why = row.reasons.join("; ");
  switch (row.state) {
    case "fresh":
      return "fresh";
    case "pending":
      return `would run${why ? `: ${why}` : ""}`;
    case "blocked":
      return `not run: ${row.blockedBy}`;
    case "cancelled":
      return `cancelled${why ? ` (${why})` : ""}`;
    case "superseded":
      return `${SUPERSEDED_WORDS}, restarting`;
    case "failed":
      return `FAILED${row.error ? `: ${row.error}` : ""}`;
    default:
      return why;
  }
}

export function FinishedRow({ row, nameWidth }: { row: StageRow; nameWidth: number }) {
  const style = ROW_STYLE[row.state === "running" ? "pending" : row.state];
  const time = row.seconds === undefined ? "" : formatSeconds(row.seconds);
  const tail = row.state === "failed" ? (row.logTail ?? []).slice(-FAILED_TAIL_LINES) : [];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={style.color} dimColor={style.dim}>
          {style.symbol}
        </Text>{" "}
        <Text dimColor={style.dim} bold={row.state === "failed"}>
          {row.name.padEnd(nameWidth)}
        </Text>
        {"  "}
        <Text dimColor>{time.padStart(TIME_WIDTH)}</Text>
        {"  "}
        <Text color={row.state === "failed" ? "red" : undefined} dimColor={row.state !== "failed"}>
          {detail(row)}
        </Text>
      </Text>
      {row.state === "failed" && row.log ? (
        <Text wrap="truncate-end" dimColor>{`    log: ${row.log}${tail.length ? " (last lines)" : ""}`}</Text>
      ) : null}
      {tail.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a finished row's tail never changes, and lines may repeat
        <Text key={i} wrap="truncate-end">
          <Text color="red">{"    │ "}</Text>
          {cleanLine(l)}
        </Text>
      ))}
    </Box>
  );
}
