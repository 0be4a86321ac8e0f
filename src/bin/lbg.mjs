#!/usr/bin/env node
// Entry point of the `lbg` command. The tool is written in TypeScript under src/ and shipped as one esbuild
// bundle (fast start, docs/architecture.md §7). Bundles live in node_modules/.cache/lbg/<stamp>/ (the project's
// top-level layout is fixed, so there is no dist/ folder), where the stamp is a hash of every source file
// under src/ (this launcher, which says how to bundle, included): editing the tool rebuilds it on the next
// start, copies of the project share one bundle, and a bundle is written to a temporary folder and renamed into place, so concurrent starts never see half of one.
//
// Node's modules are taken with process.getBuiltinModule rather than imported: an ESM import of node:fs builds
// a namespace of all its exports, which evaluates fs.promises and loads streams and readline with it.
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } =
  process.getBuiltinModule("node:fs");
const { basename, dirname, join } = process.getBuiltinModule("node:path");
const { fileURLToPath, pathToFileURL } = process.getBuiltinModule("node:url");

// A shell whose folder was removed under it (`rm -rf` of the project from another terminal): every path
// lbg resolves, and esbuild as it loads, would fail on process.cwd() with a stack trace.
try {
  process.cwd();
} catch {
  process.stderr.write("lbg: error: the current folder no longer exists (hint: cd into the project again)\n");
  process.exit(2);
}

const srcDir = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(srcDir);
const cacheDir = join(root, "node_modules", ".cache", "lbg");
/** What goes into the bundle: TypeScript, JSON, Python programs lbg runs and the help topics (both as text), and
 *  this launcher. */
const SOURCE = /\.(ts|tsx|json|py|md|mjs)$/;
/** `lbg help <topic>`'s Markdown, bundled too (src/cli/help-topics.ts). */
const helpDir = join(root, "docs", "help");

/**
 * @param {string} dir
 * @param {import("node:crypto").Hash} h
 * @returns {import("node:crypto").Hash}
 */
function hashSources(dir, h, prefix = "") {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = `${dir}/${e.name}`; // (not join: its normalising is most of this loop's cost, at every start)
    if (e.isDirectory()) hashSources(p, h, `${prefix}${e.name}/`);
    else if (SOURCE.test(e.name)) h.update(`${prefix}${e.name}\0`).update(readFileSync(p)).update("\0");
  }
  return h;
}

/** The stat of every source file (and package.json), as one string: cheap to compare at every start.
 *  @param {string} dir
 *  @returns {string} */
function statSources(dir, prefix = "") {
  let s = "";
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) s += statSources(p, `${prefix}${e.name}/`);
    else if (SOURCE.test(e.name)) {
      const st = statSync(p);
      s += `${prefix}${e.name} ${st.ino} ${st.size} ${st.mtimeMs} ${st.ctimeMs}\n`;
    }
  }
  return s;
}

/** A copy of lbg's src/ without docs/help (a test or benchmark copy) still builds: each missing topic is one
 *  line saying so. @type {import("esbuild").Plugin} */
const missingHelpText = {
  name: "missing-help-text",
  setup(b) {
    b.onResolve({ filter: /docs\/help\/[^/]+\.md$/ }, (a) => {
      const path = join(a.resolveDir, a.path);
      return existsSync(path) ? { path } : { path, namespace: "missing-help" };
    });
    b.onLoad({ filter: /.*/, namespace: "missing-help" }, (a) => ({
      contents: `(this copy of lbg has no ${basename(dirname(dirname(a.path)))}/help/${basename(a.path)})\n`,
      loader: "text",
    }));
  },
};

/** esbuild plugin: `import { x } from "node:fs"` becomes a property of `require("node:fs")` (see ensureBundle). */
/** @type {import("esbuild").Plugin} */
const builtinsByRequire = {
  name: "builtins-by-require",
  setup(b) {
    const { builtinModules } = process.getBuiltinModule("node:module");
    const builtin = new Set(builtinModules);
    b.onResolve({ filter: /^[a-z_/:]+$/ }, (a) => {
      if (!a.path.startsWith("node:") && !builtin.has(a.path)) return undefined;
      // The shim's own require is Node's (external), not the shim again.
      return a.namespace === "lbg-builtin"
        ? { path: a.path, external: true }
        : { path: a.path, namespace: "lbg-builtin" };
    });
    b.onLoad({ filter: /.*/, namespace: "lbg-builtin" }, (a) => ({
      contents: `module.exports = require(${JSON.stringify(a.path)});`,
      loader: "js",
    }));
  },
};

async function ensureBundle() {
  // Hashing every source costs ~15 ms (reads plus loading node:crypto); while no source's stat changed since
  // the last start, the bundle that start chose is still the right one (stat-index-*.json remembers it).
  // One index per checkout (copies of the project share node_modules through a symlink, as the tests do).
  let fnv = 0x811c9dc5;
  for (let i = 0; i < srcDir.length; i++) fnv = Math.imul(fnv ^ srcDir.charCodeAt(i), 0x01000193) >>> 0;
  const index = join(cacheDir, `stat-index-${fnv.toString(16)}.json`);
  const pkg = statSync(join(root, "package.json"));
  const stats = `${statSources(srcDir)}${existsSync(helpDir) ? statSources(helpDir, "docs/help/") : ""}package.json ${pkg.ino} ${pkg.size} ${pkg.mtimeMs} ${pkg.ctimeMs}\n`;
  try {
    const known = JSON.parse(readFileSync(index, "utf8"));
    if (known.stats === stats && existsSync(join(cacheDir, known.dir, "cli.mjs"))) return join(cacheDir, known.dir);
  } catch {
    /* first start, or another version's index */
  }
  const { createHash } = process.getBuiltinModule("node:crypto");
  const h = hashSources(srcDir, createHash("sha1"));
  if (existsSync(helpDir)) hashSources(helpDir, h, "docs/help/");
  h.update(readFileSync(join(root, "package.json")));
  const dir = join(cacheDir, h.digest("hex").slice(0, 16));
  const remember = () => {
    try {
      const tmp = `${index}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ stats, dir: basename(dir) }));
      renameSync(tmp, index);
    } catch {
      /* read-only node_modules: hash every time */
    }
  };
  if (existsSync(join(dir, "cli.mjs"))) {
    remember();
    return dir;
  }
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
    // typescript (the stage type check) is 9 MB of JavaScript: imported from node_modules, only when needed.
    external: ["esbuild", "react-devtools-core", "typescript"],
    banner: {
      js: "import { createRequire as __lbgCreateRequire } from 'node:module'; const require = __lbgCreateRequire(import.meta.url);",
    },
    splitting: true,
    // Node's own modules through require(), not import (see the header).
    plugins: [builtinsByRequire, missingHelpText],
    keepNames: true,
    sourcemap: true,
    logLevel: "error",
    jsx: "automatic",
    loader: { ".py": "text", ".md": "text" },
  });
  mkdirSync(cacheDir, { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another lbg finished the same bundle first
  }
  remember();
  // Old bundles may still be in use by a long build (its workers are forked from them): keep a week.
  for (const old of readdirSync(cacheDir)) {
    const p = join(cacheDir, old);
    if (Date.now() - statSync(p).mtimeMs > 7 * 86400_000) rmSync(p, { recursive: true, force: true });
  }
  return dir;
}

const dir = await ensureBundle();
await import(pathToFileURL(join(dir, "cli.mjs")).href);
