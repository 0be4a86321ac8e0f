// How each row state looks: a symbol and a colour (colour is a bonus: the symbol and words alone must say it,
// for NO_COLOR and for tests).
import type { RowState } from "./build-state.ts";

export const ROW_STYLE: Record<Exclude<RowState, "running">, { symbol: string; color?: string; dim?: boolean }> = {
  pending: { symbol: "○", dim: true },
  succeeded: { symbol: "✓", color: "green" },
  failed: { symbol: "✗", color: "red" },
  fresh: { symbol: "·", dim: true },
  cancelled: { symbol: "◼", color: "yellow" },
  superseded: { symbol: "↻", color: "cyan" },
  blocked: { symbol: "⊘", color: "yellow" },
};

/** The time column: right-aligned so durations line up. */
export const TIME_WIDTH = 7;
