// Offset → 1-based line and column (UTF-16 units) in a text, by binary search over line starts found once.
// A 10 MB config with thousands of positioned warnings costs one scan, not one scan per warning.

export class LineTable {
  private starts?: number[];

  constructor(private readonly text: string) {}

  pos(offset: number): { line: number; col: number } {
    this.starts ??= lineStarts(this.text);
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}
