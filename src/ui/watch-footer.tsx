// `lbg watch`: what is watched, how the last build went, and the keys — plus the error when the project no
// longer loads (lbg keeps watching; fixing the file triggers the next build).
import { Box, Text } from "ink";
import { formatSeconds, lastBuildWord } from "../events/event-words.ts";
import type { BuildState } from "./build-state.ts";

/** HH:MM:SS in local time: when the user last saw a build happen. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toTimeString().slice(0, 8);
}

export function WatchFooter({ watch, error, keys }: { watch: BuildState["watch"]; error?: string; keys: boolean }) {
  const last = watch?.lastBuild;
  return (
    <Box flexDirection="column">
      {error ? (
        <Text color="red" wrap="wrap">
          {`error: ${error}`}
        </Text>
      ) : null}
      {watch ? (
        <Text wrap="truncate-end">
          <Text color="cyan">{watch.idle ? "◉" : "◎"}</Text>
          {` watching ${watch.files} file${watch.files === 1 ? "" : "s"} — last build: `}
          {last ? (
            <Text
              color={last.interrupted ? "yellow" : last.ok ? "green" : "red"}
            >{`${lastBuildWord(last)} at ${clockTime(last.at)} ${last.interrupted ? "after" : "in"} ${formatSeconds(last.seconds)}`}</Text>
          ) : (
            "none yet"
          )}
        </Text>
      ) : null}
      {keys ? <Text dimColor>{"  q quit · r rebuild · f force failed"}</Text> : null}
    </Box>
  );
}
