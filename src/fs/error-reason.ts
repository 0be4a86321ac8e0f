// File system errors in messages that already name the path: Node's "ENOSPC: no space left on device,
// write" becomes "no space left on device" (the code prefix and the syscall say nothing to a user).
export function errorReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException | undefined;
  if (!err?.code || typeof err.message !== "string") return String(err?.message ?? e);
  return err.message.replace(/^[A-Z]+: /, "").replace(/, \w+( '.*')?$/, "");
}
