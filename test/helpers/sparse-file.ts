// A file of gigabytes that costs no disk: a hole of `hole` bytes (zeros the file system does not store),
// then `tail`. For what lbg must read from the end only (a stage's log over weeks).
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";

export function writeSparse(file: string, hole: number, tail: string): void {
  const fd = openSync(file, "w");
  try {
    ftruncateSync(fd, hole);
    writeSync(fd, Buffer.from(tail), 0, undefined, hole);
  } finally {
    closeSync(fd);
  }
}
