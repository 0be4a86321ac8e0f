// done/total of the stages that run, as a bar, with the ETA (estimate-remaining.ts): `?` when it cannot be
// estimated — a first build, a stage past its predicted time — rather than a number known to be wrong.
import { Text } from "ink";

export function formatEta(seconds: number): string {
  if (seconds < 1) return "<1s";
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function ProgressBar({
  done,
  total,
  eta,
  width = 24,
}: {
  done: number;
  total: number;
  /** Seconds left; undefined: not known (`ETA ?`). */
  eta: number | undefined;
  width?: number;
}) {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return (
    <Text wrap="truncate-end">
      <Text color="cyan">{"█".repeat(filled)}</Text>
      <Text dimColor>{"░".repeat(width - filled)}</Text>
      {` ${done}/${total}`}
      <Text dimColor>{` · ETA ${eta === undefined ? "?" : formatEta(eta)}`}</Text>
    </Text>
  );
}
