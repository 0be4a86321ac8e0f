// A stage's effective config as it is stored in its record (JSON). JSON has no Infinity or NaN: written
// as-is, `.inf`, `-.inf` and `.nan` would all be stored as null, so a stage with such an option would never
// match its own record (stale on every build, reason "fingerprint changed") and a change from `.inf` to
// `-.inf` would not be named. Non-finite numbers are stored as `{ "nonFinite": ".inf" | "-.inf" | ".nan" }`
// (YAML's spelling, which is also how staleness reasons show them); every other value is kept as it is.

export type NonFinite = { nonFinite: ".inf" | "-.inf" | ".nan" };

function spell(n: number): NonFinite {
  return { nonFinite: Number.isNaN(n) ? ".nan" : n > 0 ? ".inf" : "-.inf" };
}

function hasNonFinite(v: unknown): boolean {
  if (typeof v === "number") return !Number.isFinite(v);
  if (v === null || typeof v !== "object") return false;
  for (const x of Object.values(v)) if (hasNonFinite(x)) return true;
  return false;
}

function encode(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : spell(v);
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(encode);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = encode(x);
  return out;
}

/** `config` with non-finite numbers spelled out (the same object when it holds none: the common case). */
export function jsonSafeConfig(config: Record<string, unknown>): Record<string, unknown> {
  return hasNonFinite(config) ? (encode(config) as Record<string, unknown>) : config;
}

/** A spelled-out non-finite number's YAML spelling, else undefined. */
export function nonFiniteSpelling(v: unknown): string | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  return keys.length === 1 && keys[0] === "nonFinite" && typeof o.nonFinite === "string" ? o.nonFinite : undefined;
}
