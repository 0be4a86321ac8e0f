// The report as one self-contained HTML file: inline CSS, the graph as inline SVG, plots as data: URIs, no
// script and no external resource, so it opens from a file (mail it, attach it) with no server or network.
// Links between stages are plain anchors (`#stage-<name>`), from the graph, the inputs and the dependants.
import { nonFiniteSpelling } from "../fingerprint/json-safe-config.ts";
import type { MetricChange } from "../events/build-event.ts";
import { showChange, showMetric } from "../events/metric-words.ts";
import type { StageProvenance } from "../provenance/output-provenance.ts";
import { resourcesWords, restoredWords } from "../provenance/provenance-words.ts";
import { STATE_COLOURS } from "./dag-svg.ts";
import { esc } from "./escape-html.ts";
import { foldMetrics } from "./fold-metrics.ts";
import type { ReportData, ReportOutput, ReportStage } from "./report-data.ts";

function when(iso: string | undefined): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, " UTC") : "";
}

function secs(s: number | undefined): string {
  if (s === undefined) return "";
  return s < 60 ? `${s.toFixed(s < 10 ? 2 : 1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

const stageLink = (name: string) => `<a href="#stage-${esc(name)}">${esc(name)}</a>`;

function table(head: string[], rows: string[][], cls = ""): string {
  if (rows.length === 0) return "";
  return `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

const CSS = `
:root { --fg:#1b1b1b; --muted:#666; --line:#ddd; --bg:#fff; --code:#f5f5f5; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); margin: 0; padding: 0 2rem 4rem; max-width: 1200px; }
h1 { font-size: 1.6rem; margin: 1.5rem 0 .3rem; } h1 code { font-size: inherit; } h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.1rem; margin: 0 0 .4rem; } h4 { font-size: .95rem; margin: 1rem 0 .3rem; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--code); padding: .6rem .8rem; overflow-x: auto; border-radius: 4px; margin: .3rem 0; }
table { border-collapse: collapse; margin: .3rem 0; } th, td { text-align: left; padding: .15rem .6rem .15rem 0; vertical-align: top; border-bottom: 1px solid #eee; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
.meta { color: var(--muted); } .num { text-align: right; font-variant-numeric: tabular-nums; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
.dot { display: inline-block; width: .7em; height: .7em; border-radius: 50%; border: 1px solid; margin-right: .3em; vertical-align: baseline; }
.dag { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; background: #fafafa; }
.dag svg { max-width: 100%; height: auto; }
.legend span { margin-right: 1.2rem; }
article.stage { border: 1px solid var(--line); border-left: 6px solid; border-radius: 6px; padding: .8rem 1rem; margin: 1rem 0; }
article.stage:target { box-shadow: 0 0 0 3px #90caf9; }
.badge { font-size: 12px; font-weight: 600; padding: .05rem .5rem; border-radius: 9px; border: 1px solid; margin-left: .4rem; vertical-align: middle; }
.changed td { background: #fffde7; } .warn { color: #c62828; font-weight: 600; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: .5rem 1rem; }
figure { margin: .5rem 0; } figure img { max-width: 100%; border: 1px solid var(--line); } figcaption { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
details.fold { margin-left: 1rem; } details.fold > summary { color: var(--fg); }
details > summary { cursor: pointer; color: #1565c0; margin: .3rem 0; }
`;

function badge(state: ReportStage["state"]): string {
  const c = STATE_COLOURS[state];
  return `<span class="badge" style="background:${c.fill};border-color:${c.line}">${esc(c.words)}</span>`;
}

function outputState(o: ReportOutput): string {
  switch (o.state) {
    case "made":
      return "as lbg made it";
    case "changed":
      return `<span class="warn">changed since lbg made it</span> (recorded ${esc(o.recorded)})`;
    case "missing":
      return '<span class="warn">missing</span>';
    default:
      return o.hash ? "not recorded by lbg" : "not built";
  }
}

function provenance(m: StageProvenance): string {
  const facts: string[][] = [];
  if (m.accepted) facts.push(["recorded", `by <code>lbg accept</code> at ${esc(when(m.startedAt))}: no stage ran`]);
  else if (m.restored && !m.startedAt) {
    facts.push([
      "restored",
      `${esc(when(m.finishedAt))} in ${esc(secs(m.seconds))}, ${esc(restoredWords(m.restored))}`,
    ]);
  } else {
    facts.push(["started", esc(when(m.startedAt ?? m.finishedAt))]);
    facts.push(["took", esc(secs(m.seconds))]);
    if (m.host) facts.push(["host", esc(`${m.host}${m.user ? ` (user ${m.user})` : ""}`)]);
    if (m.builtInRun) facts.push(["built by run", esc(m.builtInRun)]);
    if (m.restored) facts.push(["restored", esc(restoredWords(m.restored))]);
  }
  if (m.resources) facts.push(["resources", esc(resourcesWords(m.resources))]);
  if (m.lbgVersion) facts.push(["lbg", esc(m.lbgVersion)]);
  if (m.reasons?.length) facts.push([m.accepted ? "was stale" : "ran because", m.reasons.map(esc).join("<br>")]);
  for (const [k, v] of Object.entries(m.extra ?? {})) facts.push([esc(k), `<code>${esc(JSON.stringify(v))}</code>`]);
  if (m.noProvenance)
    facts.push(["note", "recorded by an lbg without provenance (no host, config sources or producers)"]);
  const config = Object.entries(m.config)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, c]) => [
      `<code>${esc(k)}</code>`,
      `<code>${esc(nonFiniteSpelling(c.value) ?? JSON.stringify(c.value))}</code>`,
      esc(c.from ?? ""),
      c.from === "set" ? "" : `<span class="mono">${esc(c.at ?? "")}</span>`,
    ]);
  const inputs = Object.entries(m.inputs).map(([tag, i]) => [
    esc(tag),
    `<span class="mono">${esc(i.path)}</span>`,
    `<span class="mono">${esc(i.hash)}</span>`,
    i.madeBy ? `made by ${stageLink(i.madeBy)}` : i.madeBy === null ? "run input" : "",
  ]);
  const code = Object.entries(m.code).map(([f, h]) => [
    `<span class="mono">${esc(f)}</span>`,
    `<span class="mono">${esc(h)}</span>`,
  ]);
  return `<h4>Last run</h4>${table(
    ["", ""],
    facts.map(([k, v]) => [`<b>${k}</b>`, v!]),
    "facts",
  )}
<details><summary>Provenance of its outputs: code, config, inputs (what <code>lbg why</code> says)</summary>
<h4>Config</h4>${table(["option", "value", "from", "where"], config) || '<p class="meta">no options</p>'}
<h4>Inputs read</h4>${table(["tag", "path", "content hash", "made by"], inputs) || '<p class="meta">none</p>'}
<h4>Code</h4>${table(["file", "hash"], code)}
${m.command ? `<h4>Command</h4><pre>${esc(m.command)}</pre>` : ""}</details>`;
}

function stageSection(s: ReportStage): string {
  const c = STATE_COLOURS[s.state];
  const now =
    s.state === "fresh"
      ? "up to date"
      : s.reasons.length
        ? `would re-run: ${s.reasons.map(esc).join("; ")}`
        : esc(c.words);
  const last = s.lastOutcome;
  const lastLine = last
    ? `${esc(last.restored ? "restored from the run cache" : last.status)}${last.seconds !== undefined && last.status !== "fresh" ? ` in ${esc(secs(last.seconds))}` : ""}${last.error ? ` — <span class="warn">${esc(last.error)}</span>` : ""}${last.by ? ` (not run: ${stageLink(last.by)})` : ""}`
    : "";
  const inputs = s.inputs.map((i) => [
    esc(i.tag),
    `<span class="mono">${esc(i.path)}</span>`,
    i.producer ? `from ${stageLink(i.producer)}` : `<a href="#run-inputs">run input</a>`,
  ]);
  const outputs = s.outputs.map((o) => [
    `${esc(o.tag)}${o.metrics ? ' <span class="meta">(metrics)</span>' : ""}`,
    `<span class="mono">${esc(o.path)}</span>`,
    `<span class="mono">${esc(o.hash ?? "")}</span>`,
    outputState(o),
  ]);
  const plots = s.outputs
    .filter((o) => o.image || o.imageNote)
    .map((o) =>
      o.image
        ? `<figure><img src="${o.image}" alt="${esc(o.tag)}"><figcaption>${esc(o.tag)} — ${esc(o.path)}</figcaption></figure>`
        : `<p class="meta">${esc(o.tag)}: ${esc(o.imageNote)}</p>`,
    )
    .join("");
  return `<article class="stage" id="stage-${esc(s.name)}" style="border-left-color:${c.line}">
<h3>${esc(s.name)} <span class="meta">${esc(s.class)}</span>${badge(s.state)}</h3>
${table(
  ["", ""],
  [
    ["<b>now</b>", now],
    ...(lastLine ? [["<b>last build</b>", lastLine]] : []),
    ...(s.dependants.length ? [["<b>used by</b>", s.dependants.map(stageLink).join(", ")]] : []),
  ],
  "facts",
)}
${inputs.length ? `<h4>Inputs</h4>${table(["tag", "path", "made by"], inputs)}` : ""}
<h4>Outputs</h4>${table(["tag", "path", "content hash", "state"], outputs)}
${plots ? `<h4>Plots</h4><div class="plots">${plots}</div>` : ""}
${s.made ? provenance(s.made) : ""}
${s.log ? `<h4>Log <span class="meta mono">${esc(s.log.path)}</span> (last lines)</h4><pre>${esc(s.log.tail.join("\n"))}</pre>` : ""}
</article>`;
}

function metricsSection(d: ReportData): string {
  const m = d.metrics;
  const names = Object.keys(m.values);
  const problems = [
    ...m.problems.map((p) => `<p class="warn">${esc(p)}</p>`),
    ...m.notBuilt.map((p) => `<p class="meta">${esc(p)}: not built yet</p>`),
  ].join("");
  if (m.declared === 0)
    return `<p class="meta">No metrics: mark YAML outputs as metrics (a stage's <code>static metrics</code>, or <code>metrics: [tag]</code> on a pipeline entry).</p>`;
  if (names.length === 0 && m.changes.length === 0) return problems;
  const count = (n: number) => `${n} metric${n === 1 ? "" : "s"}`;
  if (!m.previousAt)
    return `${problems}<p class="meta">No earlier build recorded other metrics.</p>${foldMetrics(
      names,
      "<thead><tr><th>metric</th><th>value</th></tr></thead>",
      (k) => `<tr><td><code>${esc(k)}</code></td><td class="num">${esc(showMetric(m.values[k]))}</td></tr>`,
      count,
    )}`;
  // Changed metrics first; the unchanged ones folded away below. Hundreds of them (per-bin tables) are folded
  // by prefix (fold-metrics.ts), so the headline numbers come first.
  const byName = new Map(m.changes.map((c) => [c.metric, c]));
  const differs = (c: MetricChange) => c.old !== c.new;
  const row = (name: string) => {
    const c = byName.get(name)!;
    return `<tr${differs(c) ? ' class="changed"' : ""}><td><code>${esc(c.metric)}</code></td><td class="num">${esc(showMetric(c.old))}</td><td class="num">${esc(showMetric(c.new))}</td><td class="num">${differs(c) ? esc(showChange(c)) : ""}</td></tr>`;
  };
  const head = "<thead><tr><th>metric</th><th>previous</th><th>now</th><th>change</th></tr></thead>";
  const changed = m.changes.filter(differs).map((c) => c.metric);
  const same = m.changes.filter((c) => !differs(c)).map((c) => c.metric);
  return `${problems}<p>${changed.length} of ${m.changes.length} changed since the build of ${esc(when(m.previousAt))}.</p>
${changed.length ? `<div id="metrics-changed">${foldMetrics(changed, head, row, (n) => `${n} changed`)}</div>` : ""}
${same.length ? `<details><summary>${same.length} unchanged</summary>${foldMetrics(same, head, row, (n) => `${n} unchanged`)}</details>` : ""}`;
}

export function renderReport(d: ReportData, svg: string): string {
  const counts = new Map<string, number>();
  for (const s of d.stages) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const summary = [...counts].map(([st, n]) => `${n} ${STATE_COLOURS[st as ReportStage["state"]].words}`).join(", ");
  const last = d.lastBuild
    ? `Last build ${d.lastBuild.ok ? "succeeded" : '<span class="warn">failed</span>'} at ${esc(when(d.lastBuild.at))} in ${esc(secs(d.lastBuild.seconds))}.`
    : "No build recorded yet.";
  const legend = Object.values(STATE_COLOURS)
    .map((c) => `<span><i class="dot" style="background:${c.fill};border-color:${c.line}"></i>${esc(c.words)}</span>`)
    .join("");
  const nav = d.stages
    .map((s) => {
      const c = STATE_COLOURS[s.state];
      return `<li><i class="dot" style="background:${c.fill};border-color:${c.line}"></i>${stageLink(s.name)}</li>`;
    })
    .join("");
  const inputs = d.runInputs.map((i) => [
    esc(i.tag),
    `<span class="mono">${esc(i.path)}</span>`,
    i.readBy.map(stageLink).join(", "),
  ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>lbg report: ${esc(d.run)}</title><link rel="icon" href="data:,"><style>${CSS}</style></head>
<body>
<header><h1>Run <code>${esc(d.run)}</code></h1>
<p class="meta">Pipelines ${esc(d.pipelines.join(", "))} · ${d.stages.length} stages: ${esc(summary)} · ${last}<br>Report written ${esc(when(d.generatedAt))} by lbg ${esc(d.lbgVersion)}.</p>
<nav><ul><li><a href="#graph">Graph</a></li><li><a href="#metrics">Metrics</a></li><li><a href="#stages">Stages</a></li>${d.runInputs.length ? '<li><a href="#run-inputs">Run inputs</a></li>' : ""}</ul><ul>${nav}</ul></nav></header>
<section id="graph"><h2>Graph</h2><p class="legend">${legend}</p><div class="dag">${svg}</div></section>
<section id="metrics"><h2>Metrics</h2>${metricsSection(d)}</section>
<section id="stages"><h2>Stages</h2>${d.stages.map(stageSection).join("\n")}</section>
${inputs.length ? `<section id="run-inputs"><h2>Run inputs</h2>${table(["tag", "path", "read by"], inputs)}</section>` : ""}
</body></html>
`;
}
