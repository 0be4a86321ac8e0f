// How long after a write a file's stat may not yet tell it apart: a second write within the same timestamp
// tick leaves mtime unchanged. Whole-second mtimes mean a coarse file system (NFS, FAT: 2 s); elsewhere
// a generous 50 ms. Used by the stat cache (racy entries), the no-op stamp (files changed too recently) and
// the type-check cache (files changed while the compiler read them).
export function timestampTickMs(mtimeIsWholeSecond: boolean): number {
  return mtimeIsWholeSecond ? 2000 : 50;
}

/** Whether a file with these times changed after `since` (epoch ms) or within a timestamp tick before it:
 *  what was read of it at `since` may not be its content, and a write in that tick may not show in its stat. */
export function changedNear(st: { mtimeMs: number; ctimeMs: number }, since: number): boolean {
  const tick = timestampTickMs(st.mtimeMs % 1000 === 0);
  return since - st.mtimeMs < tick || since - st.ctimeMs < tick;
}
