// Staleness reasons: the named differences between a stored fingerprint and the current one.
import { canonicalJson } from "./canonical-json.ts";
import { nonFiniteSpelling } from "./json-safe-config.ts";
import type { Fingerprint } from "./fingerprint.ts";

function short(v: unknown): string {
  const s = v === undefined ? "(unset)" : (nonFiniteSpelling(v) ?? canonicalJson(v));
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export function explainChange(stage: string, old: Fingerprint, cur: Fingerprint): string[] {
  if (old.format !== cur.format) return [`record format changed: ${old.format} → ${cur.format}`];
  const reasons: string[] = [];
  if (old.class !== cur.class) reasons.push(`class changed: ${old.class} → ${cur.class}`);
  for (const f of new Set([...Object.keys(old.code), ...Object.keys(cur.code)])) {
    if (f.startsWith("container:")) {
      const what = `container ${f.slice("container:".length)}`;
      if (old.code[f] !== cur.code[f])
        reasons.push(`${what} changed: ${old.code[f] ?? "(none)"} → ${cur.code[f] ?? "(none)"}`);
    } else if (!(f in old.code)) reasons.push(`code changed: ${f} (new import)`);
    else if (!(f in cur.code)) reasons.push(`code changed: ${f} (no longer imported)`);
    else if (old.code[f] !== cur.code[f]) reasons.push(`code changed: ${f}`);
  }
  for (const k of new Set([...Object.keys(old.config), ...Object.keys(cur.config)])) {
    if (canonicalJson(old.config[k]) !== canonicalJson(cur.config[k]))
      reasons.push(`config changed: ${stage}.${k} ${short(old.config[k])} → ${short(cur.config[k])}`);
  }
  for (const t of new Set([...Object.keys(old.inputs), ...Object.keys(cur.inputs)])) {
    const a = old.inputs[t],
      b = cur.inputs[t];
    if (!a || !b) reasons.push(`input changed: ${t} (${!a ? "new" : "removed"})`);
    else if (a.path !== b.path) reasons.push(`input path changed: ${t} ${a.path} → ${b.path}`);
    else if (a.hash !== b.hash) reasons.push(`input changed: ${t}`);
  }
  for (const t of new Set([...Object.keys(old.outputs), ...Object.keys(cur.outputs)])) {
    if (old.outputs[t] !== cur.outputs[t])
      reasons.push(`output path changed: ${t} ${old.outputs[t] ?? "(none)"} → ${cur.outputs[t] ?? "(none)"}`);
  }
  return reasons.length ? reasons : ["fingerprint changed"];
}
