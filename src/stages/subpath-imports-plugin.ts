// An esbuild plugin for bundling stage files: a `#…` subpath import of the project (package.json `imports`)
// is the project's own code, so it is bundled even when its target is in a package — a project made by
// `lbg init` maps `#lbg/sdk` to `lbg/src/sdk/index.ts` (Node forbids `./node_modules/…` targets), and with
// `packages: "external"` esbuild would leave that import to Node, which cannot load TypeScript. The file is
// bundled from its real path (the lbg checkout npm linked), so it is part of the stage's code fingerprint.
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Plugin } from "esbuild";

export const subpathImportsPlugin: Plugin = {
  name: "lbg-subpath-imports",
  setup(build) {
    build.onResolve({ filter: /^#/ }, async (args) => {
      if (args.pluginData === "lbg-subpath-imports") return undefined;
      const r = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "lbg-subpath-imports",
      });
      if (r.errors.length > 0 || !r.external || r.path.startsWith(".") || r.path.startsWith("/")) return r;
      try {
        const file = createRequire(join(args.resolveDir, "noop.js")).resolve(r.path);
        return { path: realpathSync(file) };
      } catch {
        return r; // not installed: left to Node, which names the missing package
      }
    });
  },
};
