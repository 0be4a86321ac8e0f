// The whole screen for `lbg build` / `lbg watch`, as a function of the UI state:
//
//   ✓ MakeNumbers              2.05s  config changed: MakeNumbers.sleep 0 → 2   ┐ printed once (<Static>):
//   · CountNotes                      fresh                                      │ finished rows, warnings,
//   warning: unknown key 'sede' in SplitCatalog (did you mean 'seed'?)           ┘ notices, past summaries
//   building numbers (numbers)  1 fresh · 3 to run · 4 total  -j 2               ┐ live, redrawn in place
//   ⠹ SumNumbers               0.40s  input changed: numbers                     │ while building: header,
//       › read 10 values                                                         │ running rows with their
//   ○ 1 pending                                                                  │ last log line, stages not
//   ████████████░░░░░░░░░░░░ 2/4 · ETA 3s                                        ┘ reported yet, progress
//   numbers: build succeeded — 3 ran, 1 fresh in 2.31s                           ┐ once built (joins the
//     outputs in results/numbers/outputs/                                        ┘ history when more is printed)
//   ◉ watching 12 files — last build: succeeded at 10:42:07 in 2.31s             ┐ lbg watch only (after q:
//     q quit · r re-check · f force failed                                       ┘ ◼ stopped watching, no keys)
//
// It never drives work: keys call the callbacks it was given.
import { Box, Static, Text, useStdout } from "ink";
import { buildCounts, type BuildState } from "./build-state.ts";
import { BuildHeader } from "./build-header.tsx";
import { estimateRemaining } from "./estimate-remaining.ts";
import { PrintedLine, SummaryLine } from "./printed-line.tsx";
import { ProgressBar } from "./progress-bar.tsx";
import { RunningRow } from "./running-row.tsx";
import { SPINNER_INTERVAL_MS } from "./spinner.ts";
import { useNow } from "./use-now.ts";
import { useWatchKeys, type WatchKeyHandlers } from "./use-watch-keys.ts";
import { WatchFooter } from "./watch-footer.tsx";

export interface BuildViewProps extends WatchKeyHandlers {
  state: BuildState;
  /** Project root: log paths in events are relative to it. */
  root: string;
  /** `lbg watch`: show the keys and listen to them. */
  watch?: boolean;
  /** Time source for elapsed times, spinners and the ETA (tests pass a fixed one). */
  clock?: () => number;
}

/** Lines the live area leaves for the header, progress, footer and the shell prompt. */
const RESERVED_LINES = 8;

export function BuildView(props: BuildViewProps) {
  const { state, root, watch = false, clock = Date.now } = props;
  const { stdout } = useStdout();
  const building = !!state.build && !state.end;
  const now = useNow(SPINNER_INTERVAL_MS, building && state.running.length > 0, clock);
  useWatchKeys(props, watch);

  // A live area taller than the terminal makes Ink clear the screen on every frame: show what fits.
  const maxRows = Math.max(2, Math.floor(((stdout.rows ?? 24) - RESERVED_LINES) / 2));
  const shown = state.running.slice(0, maxRows);
  const hidden = state.running.length - shown.length;
  const counts = buildCounts(state);
  const columns = stdout.columns ?? 80;

  return (
    <Box flexDirection="column">
      <Static items={state.printed}>{(item) => <PrintedLine key={item.id} item={item} />}</Static>
      {building && state.build ? (
        <Box flexDirection="column">
          <BuildHeader build={state.build} counts={counts} />
          {shown.map((row) => (
            <RunningRow key={row.name} row={row} nameWidth={state.nameWidth} now={now} root={root} />
          ))}
          {hidden > 0 ? <Text dimColor>{`  … and ${hidden} more running`}</Text> : null}
          {counts.waiting > 0 && !state.build.dryRun ? <Text dimColor>{`○ ${counts.waiting} pending`}</Text> : null}
          {!state.build.dryRun ? (
            <ProgressBar
              done={counts.done}
              total={counts.toRun}
              eta={estimateRemaining(state, now)}
              width={Math.max(10, Math.min(30, columns - 30))}
            />
          ) : null}
        </Box>
      ) : null}
      {state.liveSummary ? <SummaryLine summary={state.liveSummary} /> : null}
      {watch || state.watch || state.watchError ? (
        <WatchFooter watch={state.watch} error={state.watchError} keys={watch} />
      ) : null}
    </Box>
  );
}
