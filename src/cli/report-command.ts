// `lbg report <run> [-o file]`: one self-contained HTML file about a run — its graph coloured by state, every
// stage with its reasons, times, outputs, plots, log tail and provenance, and its metrics with the change
// since the build before (src/report/). Runs nothing and takes no lock.
import { dirname, join, relative, resolve } from "node:path";
import { fromCwd } from "../errors/lbg-error.ts";
import { writeAtomic } from "../fs/write-atomic.ts";
import { loadProject } from "../project/load-project.ts";
import type { RunRef } from "../project/run-ref.ts";
import { dagSvg } from "../report/dag-svg.ts";
import { renderReport } from "../report/render-report.ts";
import { gatherReport } from "../report/report-data.ts";
import { LBG_VERSION } from "../scheduler/record-provenance.ts";

/** Default: beside the run's output folder (`results/photoz_sim/report.html`), else `<run>-report.html` at the
 *  project root when the output folder is at the top (a ceci pipeline's `output_dir: ./out`). */
export function defaultReportPath(root: string, outputDir: string, run: string): string {
  const parent = dirname(outputDir);
  const rel = relative(root, parent);
  return rel && !rel.startsWith("..") ? join(parent, "report.html") : join(root, `${run}-report.html`);
}

export async function reportCommand(
  ref: RunRef,
  flags: { output?: string },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const p = await loadProject(ref, { warn: (w) => err(`warning: ${w.format(fromCwd)}\n`) });
  const data = gatherReport(p, LBG_VERSION);
  const html = renderReport(data, await dagSvg(data));
  const file = flags.output ? resolve(flags.output) : defaultReportPath(p.run.root, p.run.outputDir, ref.name);
  writeAtomic(file, html);
  out(`lbg report: wrote ${fromCwd(file)} (${(html.length / 1024).toFixed(0)} kB)\n`);
  return 0;
}
