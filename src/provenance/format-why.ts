// `lbg why` in words: a block per stage (the one that made the file, then with --deep each stage upstream),
// labelled lines, one fact per line.
import { nonFiniteSpelling } from "../fingerprint/json-safe-config.ts";
import type { StageProvenance, WhyAnswer } from "./output-provenance.ts";
import { resourcesWords, restoredWords } from "./provenance-words.ts";

function show(v: unknown, max = 80): string {
  const s = nonFiniteSpelling(v) ?? JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

function when(iso: string): string {
  return iso
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC")
    .replace(/Z$/, " UTC");
}

function seconds(s: number): string {
  return s < 60 ? `${s.toFixed(s < 10 ? 2 : 1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

const FROM_WORDS = { set: "--set", section: "section", global: "global", default: "default" } as const;

/** Label column, then the value; continuation lines aligned under the value. */
function block(rows: [string, string[]][], indent: string): string {
  const width = Math.max(...rows.map(([l]) => l.length));
  let out = "";
  for (const [label, lines] of rows)
    lines.forEach((line, i) => {
      out += `${indent}${(i === 0 ? label : "").padEnd(width)}  ${line}\n`;
    });
  return out;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}

export function formatStage(p: StageProvenance, indent = "  "): string {
  const rows: [string, string[]][] = [];
  rows.push([
    "stage",
    [`${p.stage} (${p.class}) in run ${p.run}${p.builtInRun ? ` (built by run ${p.builtInRun})` : ""}`],
  ]);
  if (p.restored && !p.startedAt) {
    // Restored without the building run's provenance: the restore, then who built the outputs.
    rows.push(["restored", [`${when(p.finishedAt)}, took ${seconds(p.seconds)}`, restoredWords(p.restored)]]);
  } else {
    const built = p.accepted
      ? `accepted by lbg accept at ${when(p.startedAt ?? p.finishedAt)} (no stage ran: the outputs on disk were recorded)`
      : `${when(p.startedAt ?? p.finishedAt)}${p.host ? ` on ${p.host}` : ""}${p.user ? ` by ${p.user}` : ""}, took ${seconds(p.seconds)}${p.lbgVersion ? `, lbg ${p.lbgVersion}` : ""}`;
    rows.push([p.startedAt ? "built" : "finished", [built]]);
    if (p.restored) rows.push(["restored", [restoredWords(p.restored)]]);
  }
  if (p.resources) rows.push(["resources", [resourcesWords(p.resources)]]);
  if (p.noProvenance)
    rows.push(["note", ["recorded by an lbg without provenance: host, config sources and producers unknown"]]);
  if (p.reasons?.length) rows.push([p.accepted ? "was stale" : "ran because", p.reasons]);
  for (const [k, v] of Object.entries(p.extra ?? {})) rows.push([k, [show(v)]]);
  rows.push(["code", table(Object.entries(p.code).map(([f, h]) => [f, h]))]);
  const cfg = Object.entries(p.config).sort(([a], [b]) => (a < b ? -1 : 1));
  if (cfg.length)
    rows.push([
      "config",
      // A `--set` value's `at` is the flag itself: said once.
      table(
        cfg.map(([k, c]) => [
          `${k} = ${show(c.value, 48)}`,
          c.from === "set" ? (c.at ?? FROM_WORDS.set) : c.from ? FROM_WORDS[c.from] : "",
          c.from === "set" ? "" : (c.at ?? ""),
        ]),
      ),
    ]);
  const inputs = Object.entries(p.inputs);
  if (inputs.length)
    rows.push([
      "inputs",
      table(
        inputs.map(([tag, i]) => [
          tag,
          i.path,
          i.hash,
          i.madeBy === undefined ? "" : i.madeBy === null ? "run input" : `made by ${i.madeBy}`,
        ]),
      ),
    ]);
  rows.push(["outputs", table(Object.entries(p.outputs).map(([tag, o]) => [tag, o.path, o.hash]))]);
  if (p.command) rows.push(["command", [p.command]]);
  return block(rows, indent);
}

export function formatWhy(a: WhyAnswer): string {
  let out = `${a.file}\n`;
  if (a.state === "not-made") {
    out += `  not made by lbg: no stage of any run in this project records an output at this path${a.hash ? "" : " (and it does not exist)"}\n`;
    for (const s of a.sameContentAs ?? [])
      out += `  same content as ${s.path}, output ${s.tag} of ${s.stage} in run ${s.run}\n`;
    for (const r of a.readBy ?? []) out += `  a run input: read as '${r.tag}' by ${r.stage} in run ${r.run}\n`;
    if (a.inside)
      out += `  inside ${a.inside.path}, output '${a.inside.tag}' of ${a.inside.stage} in run ${a.inside.run}: lbg records a directory output as a whole (lbg why ${a.inside.path})\n`;
    return out;
  }
  const m = a.made!;
  const tag = Object.entries(m.outputs).find(([, o]) => o.path === a.file)?.[0];
  const recorded = tag ? m.outputs[tag]!.hash : "";
  out +=
    a.state === "made"
      ? `  made by lbg: output '${tag}' of ${m.stage}, content ${a.hash} as recorded\n`
      : a.state === "missing"
        ? `  MISSING: lbg made it (output '${tag}' of ${m.stage}, content ${recorded}) and it has been deleted since\n`
        : `  CHANGED since lbg made it: content now ${a.hash}, recorded ${recorded} (output '${tag}' of ${m.stage}); what follows describes the recorded version\n`;
  out += formatStage(m);
  if (a.upstream) {
    for (const u of a.upstream) out += `\n  upstream: ${u.stage}\n${formatStage(u, "    ")}`;
    if (a.runInputs?.length) {
      out += "\n  run inputs\n";
      for (const line of table(
        a.runInputs.map((i) => [
          i.tag,
          i.path,
          i.hash,
          i.now === "unchanged" ? "unchanged" : i.now === "missing" ? "MISSING now" : "CHANGED since",
          `read by ${i.readBy.join(", ")}`,
        ]),
      ))
        out += `    ${line}\n`;
    }
    for (const g of a.gaps ?? []) out += `  gap: ${g}\n`;
  }
  return out;
}
