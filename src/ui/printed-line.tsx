// One item of the printed-once history (<Static>): a finished row, a warning, a notice or a build's summary.
import { Box, Text } from "ink";
import type { Printed, Summary } from "./build-state.ts";
import { FinishedRow } from "./finished-row.tsx";
import { buildEndLine, buildEndWords } from "../events/event-words.ts";

const OUTCOME_COLOR = { ok: "green", superseded: "yellow", failed: "red" } as const;

export function SummaryLine({ summary }: { summary: Summary }) {
  return (
    <Text color={OUTCOME_COLOR[buildEndWords(summary.end).outcome]} bold>
      {buildEndLine(summary.run, summary.end, summary.dryRun, summary.wouldRun)}
    </Text>
  );
}

export function PrintedLine({ item }: { item: Printed }) {
  switch (item.kind) {
    case "row":
      return <FinishedRow row={item.row} nameWidth={item.nameWidth} />;
    case "warning":
      return (
        <Text>
          <Text color="yellow">warning:</Text> {item.message}
        </Text>
      );
    case "notice":
      return <Text dimColor>{`» ${item.text}`}</Text>;
    case "summary":
      return <SummaryLine summary={item} />;
    case "metrics":
      return (
        <Box flexDirection="column">
          <Text color="cyan">{item.head}</Text>
          {item.lines.map((l) => (
            <Text key={l}>{`  ${l}`}</Text>
          ))}
          {item.more ? <Text dimColor>{`  ${item.more}`}</Text> : null}
        </Box>
      );
    default: {
      const never: never = item;
      return never;
    }
  }
}
