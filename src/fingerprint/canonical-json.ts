// Canonical JSON: object keys sorted at every depth, so equal values always give equal text and hash.
// Written out directly (no sorted copy of the value): planning 1,000 stages hashes 1,000 fingerprints.
export function canonicalJson(v: unknown): string {
  // A Date (a YAML timestamp) has no keys: as an object every date would hash alike.
  if (v === null || typeof v !== "object" || v instanceof Date) return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) {
    let s = "[";
    for (let i = 0; i < v.length; i++) s += (i ? "," : "") + (v[i] === undefined ? "null" : canonicalJson(v[i]));
    return `${s}]`;
  }
  const o = v as Record<string, unknown>;
  let s = "{";
  let first = true;
  for (const k of Object.keys(o).sort()) {
    if (o[k] === undefined) continue;
    s += `${first ? "" : ","}${JSON.stringify(k)}:${canonicalJson(o[k])}`;
    first = false;
  }
  return `${s}}`;
}
