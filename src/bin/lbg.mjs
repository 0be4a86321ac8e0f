#!/usr/bin/env node
// Entry point of the `lbg` command. The tool is written in TypeScript under src/ and shipped as one esbuild
// bundle (fast start, DESIGN.md §6). Bundles live in node_modules/.cache/lbg/<stamp>/ (the project's
// top-level layout is fixed, so there is no dist/ folder), where the stamp is a hash of every source file
// under src/: editing the tool rebuilds it on the next start, copies of the project share one bundle, and a
// bundle is written to a temporary folder and renamed into place, so concurrent starts never see half of one.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const srcDir = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(srcDir);
const cacheDir = join(root, "node_modules", ".cache", "lbg");

function hashSources(dir, h, prefix = "") {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) hashSources(p, h, `${prefix}${e.name}/`);
    else if (/\.(ts|tsx|json)$/.test(e.name)) h.update(`${prefix}${e.name}\0`).update(readFileSync(p)).update("\0");
  }
  return h;
}

async function ensureBundle() {
  const h = hashSources(srcDir, createHash("sha1"));
  h.update(readFileSync(join(root, "package.json")));
  const dir = join(cacheDir, h.digest("hex").slice(0, 16));
  if (existsSync(join(dir, "cli.mjs"))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  const { build } = await import("esbuild");
  await build({
    entryPoints: { cli: join(srcDir, "cli", "main.ts"), worker: join(srcDir, "executors", "worker-main.ts") },
    outdir: tmp,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Dependencies are bundled too (one file parses faster than many packages); esbuild is a native binary.
    // react-devtools-core is Ink's optional peer, imported only when DEV=true (and not installed).
    external: ["esbuild", "react-devtools-core"],
    banner: { js: "import { createRequire as __lbgCreateRequire } from 'node:module'; const require = __lbgCreateRequire(import.meta.url);" },
    splitting: true,
    keepNames: true,
    sourcemap: true,
    logLevel: "error",
    jsx: "automatic",
  });
  mkdirSync(cacheDir, { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another lbg finished the same bundle first
  }
  // Old bundles may still be in use by a long build (its workers are forked from them): keep a week.
  for (const old of readdirSync(cacheDir)) {
    const p = join(cacheDir, old);
    if (Date.now() - statSync(p).mtimeMs > 7 * 86400_000) rmSync(p, { recursive: true, force: true });
  }
  return dir;
}

const dir = await ensureBundle();
await import(pathToFileURL(join(dir, "cli.mjs")).href);
