// Sizes as people write them (`20G`, `500M`, `1.5T`, `20GB`, `20GiB`: powers of 1024, as du and Slurm) and
// as lbg prints them.

/** Bytes, or undefined when the text is not a size. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * 1024 ** " KMGTP".indexOf((m[2] || " ").toUpperCase()));
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}
