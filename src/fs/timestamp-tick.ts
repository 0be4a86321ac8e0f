// How long after a write a file's stat may not yet tell it apart: a second write within the same timestamp
// tick leaves mtime unchanged. Whole-second mtimes mean a coarse file system (NFS, FAT: 2 s); elsewhere
// a generous 50 ms. Used by the stat cache (racy entries) and the no-op stamp (files changed too recently).
export function timestampTickMs(mtimeIsWholeSecond: boolean): number {
  return mtimeIsWholeSecond ? 2000 : 50;
}
