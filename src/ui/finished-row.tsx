// A row in its final state, printed once above the live area: symbol, name, time and why it ran — and for a
// failure, where its log is and the log's last lines, so nobody has to go looking.
import { Box, Text, useStdout } from "ink";
import { formatSeconds, SUPERSEDED_WORDS } from "../events/event-words.ts";
import type { StageRow } from "./build-state.ts";
import { cleanLine } from "./read-last-line.ts";
import { wrapReasons } from "./wrap-reasons.ts";
import { ROW_STYLE, TIME_WIDTH } from "./row-style.ts";

/** Log lines shown under a failed row (the event carries up to 20; the log path has the rest). */
export const FAILED_TAIL_LINES = 12;

/** Below this the reasons' column is not narrowed further (a very long stage name): the terminal wraps. */
const MIN_REASON_COLUMNS = 20;

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
      return row.restored ? `${row.restored}${why ? ` — was: ${why}` : ""}` : why;
  }
}

export function FinishedRow({ row, nameWidth, width }: { row: StageRow; nameWidth: number; width?: number }) {
  const { stdout } = useStdout();
  const style = ROW_STYLE[row.state === "running" ? "pending" : row.state];
  const time = row.seconds === undefined ? "" : formatSeconds(row.seconds);
  const tail = row.state === "failed" ? (row.logTail ?? []).slice(-FAILED_TAIL_LINES) : [];
  const head = row.name.padEnd(nameWidth);
  const columns = width ?? stdout.columns ?? 80;
  // symbol, space, name, two spaces, time, two spaces: where the reasons' column starts.
  const prefix = 2 + [...head].length + 2 + TIME_WIDTH + 2;
  return (
    <Box flexDirection="column">
      {/* The detail wraps in its own column, between reasons or their items (a narrow terminal never cuts a
          reason mid-number); the rest of the row keeps its width. Printed rows live in Ink's <Static>, laid out
          without the terminal's width: the row is given it. */}
      <Box>
        <Box flexShrink={0}>
          <Text>
            <Text color={style.color} dimColor={style.dim}>
              {style.symbol}
            </Text>{" "}
            <Text dimColor={style.dim} bold={row.state === "failed"}>
              {head}
            </Text>
            {"  "}
            <Text dimColor>{time.padStart(TIME_WIDTH)}</Text>
            {"  "}
          </Text>
        </Box>
        <Box flexDirection="column">
          {wrapReasons(detail(row), Math.max(MIN_REASON_COLUMNS, columns - prefix)).map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a printed row never changes, and lines may repeat
            <Text key={i} color={row.state === "failed" ? "red" : undefined} dimColor={row.state !== "failed"}>
              {l}
            </Text>
          ))}
        </Box>
      </Box>
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
