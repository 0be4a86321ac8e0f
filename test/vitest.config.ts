import { defineConfig } from "vitest/config";
import SkipReasons from "./helpers/skip-reasons.ts";
import { testTmpdir } from "./helpers/test-tmpdir.ts";

const tmp = testTmpdir();

export default defineConfig({
  // Python programs lbg runs are imported as their text (src/stages/python/python-text.d.ts), as esbuild's
  // "text" loader does in lbg's bundle.
  plugins: [
    {
      name: "python-as-text",
      transform(code, id) {
        return id.endsWith(".py") ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined;
      },
    },
  ],
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // Most tests spawn the real CLI and its stage workers; two cores are shared between them.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A skipped test says why (requirements.ts): the reasons are listed after the run.
    reporters: ["default", new SkipReasons()],
    env: tmp ? { TMPDIR: tmp } : {},
  },
});
