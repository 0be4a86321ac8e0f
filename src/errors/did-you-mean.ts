// "Did you mean" hints for a name that is not known (a stage, an option, a run, a command): the closest
// candidate by edit distance, with a name that shares its stem counted as close.

/** Whether one name is the other with one piece inserted (`color_cuts` → `color_mag_cuts`) or is its words
 *  in part (`mag_cuts`, `cuts_color`): a likely slip that edit distance alone scores as far off. */
function sameStem(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.includes(short)) return true;
  let pre = 0;
  while (pre < short.length && short[pre] === long[pre]) pre++;
  let suf = 0;
  while (suf < short.length - pre && short[short.length - 1 - suf] === long[long.length - 1 - suf]) suf++;
  if (pre > 0 && suf > 0 && pre + suf === short.length) return true;
  const words = (s: string) => s.split(/[_.\-\s]+/).filter(Boolean);
  const longWords = new Set(words(long));
  const shortWords = words(short);
  return shortWords.length > 1 && shortWords.every((w) => longWords.has(w));
}

/** Closest candidate, for "did you mean" hints: by edit distance, with a name that shares its stem (a piece
 *  inserted or left out, a substring, the same words) counted as close; undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  let bestD = Infinity;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const d = editDistance(w, cl);
    const score = sameStem(w, cl) ? Math.min(d, 2) : d;
    if (score < bestScore || (score === bestScore && d < bestD)) {
      bestScore = score;
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** "did you mean X?" or a list of what exists, for hints. */
export function suggest(word: string, candidates: string[], what: string): string | undefined {
  const close = didYouMean(word, candidates);
  if (close) return `did you mean '${close}'?`;
  if (candidates.length === 0) return undefined;
  const shown = candidates.slice(0, 12).join(", ");
  return `known ${what}: ${shown}${candidates.length > 12 ? ", ..." : ""}`;
}
