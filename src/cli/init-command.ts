// `lbg init [dir]`: a new project (src/cli/init-template.ts) that depends on this lbg checkout by path, then
// `npm install` in it, so that `npx lbg build example` works at once. lbg is a private package, so the new
// project gets it as `file:<this checkout>` (npm links it: later edits of the checkout are seen at once).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import lbgPkg from "../../package.json" with { type: "json" };
import { LbgError } from "../errors/lbg-error.ts";
import { templateFiles } from "./init-template.ts";

/** What `#lbg/catalog` imports when a stage runs (see TemplateParams.catalogDeps). */
const CATALOG_DEPS = ["h5wasm", "hyparquet", "hyparquet-writer"] as const;

/** The folder of the running lbg: the one with lbg's package.json above its launcher (or its bundle). */
export function lbgCheckout(): string {
  const starts = [process.argv[1], fileURLToPath(import.meta.url)].filter((s): s is string => !!s);
  for (const start of starts) {
    let dir = dirname(existsSync(start) ? realpathSync(start) : start);
    for (;;) {
      const p = join(dir, "package.json");
      try {
        if (existsSync(p) && JSON.parse(readFileSync(p, "utf8")).name === "lbg" && existsSync(join(dir, "src", "sdk")))
          return dir;
      } catch {
        /* an unreadable package.json: keep looking up */
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new LbgError("cannot find lbg's own folder (its package.json) to depend on", { file: "init" });
}

function npmName(dir: string): string {
  const n = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return n || "lbg-project";
}

export async function initCommand(
  dirArg: string | undefined,
  o: { force?: boolean; install?: boolean },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const dir = resolve(dirArg ?? ".");
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new LbgError(`${dirArg ?? dir} is not a folder`, { file: "init" });
    // A fresh `git init` folder counts as empty.
    const entries = readdirSync(dir).filter((e) => e !== ".git");
    if (entries.length > 0 && !o.force)
      throw new LbgError(
        `${dirArg ?? "."} is not empty (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""})`,
        { file: "init" },
        "use an empty or new folder, or --force to add the files that are missing (existing files are never overwritten)",
      );
  }
  const checkout = lbgCheckout();
  const deps = lbgPkg.dependencies as Record<string, string>;
  const files = templateFiles({
    name: npmName(dir),
    lbgSpec: `file:${checkout}`,
    catalogDeps: Object.fromEntries(CATALOG_DEPS.map((d) => [d, deps[d] ?? "*"])),
    typesNode: (lbgPkg.devDependencies as Record<string, string>)["@types/node"] ?? "20",
  });
  const kept: string[] = [];
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    if (existsSync(p)) {
      kept.push(rel);
      continue;
    }
    mkdirSync(dirname(p), { recursive: true });
    // "wx": never overwrite, even a file that appeared since the check above.
    try {
      writeFileSync(p, text, { flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      kept.push(rel);
    }
  }
  const shown = relative(process.cwd(), dir) || ".";
  out(`created an lbg project in ${shown} (lbg from ${checkout})\n`);
  for (const k of kept) err(`lbg: kept ${join(shown, k)}: it exists (not overwritten)\n`);
  if (kept.includes("package.json"))
    err(
      `lbg: warning: ${join(shown, "package.json")} was kept: it needs devDependencies.lbg = "file:${checkout}" and the "imports" #lbg/sdk and #lbg/catalog (see \`lbg help init\`)\n`,
    );
  if (o.install !== false) {
    out("running npm install …\n");
    await new Promise((r) => setImmediate(r)); // lbg's buffered lines first, then npm's own output
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(npm, ["install", "--no-audit", "--no-fund"], {
      cwd: dir,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (r.error || r.status !== 0) {
      err(
        `lbg: error: npm install failed in ${shown} (${r.error ? r.error.message : `exit ${r.status}`}); the files are written: run \`npm install\` there yourself\n`,
      );
      return 1;
    }
  }
  const cd = shown === "." ? "" : `cd ${shown} && `;
  out(
    `\nnext:\n  ${cd}${o.install === false ? "npm install && " : ""}npx lbg build example\n` +
      "  npm test                        # builds the example and checks its result\n" +
      "  npx lbg new stage MyStage --input numbers:txt --output result:yml\n" +
      "  lbg help                        # the config formats\n",
  );
  return 0;
}
