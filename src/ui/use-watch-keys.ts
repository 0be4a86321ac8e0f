// `lbg watch` keys. The UI only reports the key: the callbacks (given by whoever started the UI) do the work.
// Ink reads keys in raw mode, where Ctrl-C is a key rather than a signal, so it is turned back into SIGINT to
// reach the same interrupt handling (and exit code 130) as without the UI.
import { useInput, useStdin } from "ink";

export interface WatchKeyHandlers {
  onQuit?: () => void;
  onRebuild?: () => void;
  onForceFailed?: () => void;
  /** Ctrl-C; default: send SIGINT to this process. */
  onInterrupt?: () => void;
}

export function useWatchKeys(h: WatchKeyHandlers, active: boolean): void {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      if (key.ctrl && input === "c") (h.onInterrupt ?? (() => process.kill(process.pid, "SIGINT")))();
      else if (input === "q") h.onQuit?.();
      else if (input === "r") h.onRebuild?.();
      else if (input === "f") h.onForceFailed?.();
    },
    { isActive: active && isRawModeSupported === true },
  );
}
