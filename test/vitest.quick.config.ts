// `npm run test:quick`: the inner loop, under a minute here. Every fast unit test (pure logic, the UI from
// events, the fake-executor scheduler tests), plus a few end-to-end tests through the real CLI that touch
// every layer: a build that fails each way a stage can (executors, finishing, events), a warm worker lost
// between stages, a ceci pipeline file with Python stages, and the watch session's keys. `npm test` runs
// everything (about 4 minutes); CI runs that.
import { defineConfig } from "vitest/config";
import full from "./vitest.config.ts";

// Not mergeConfig: it would append this list to the full one.
export default defineConfig({
  ...full,
  test: {
    ...full.test,
    include: [
      "test/scheduler/**/*.test.ts",
      "test/process/**/*.test.ts",
      "test/reporters/**/*.test.ts",
      "test/ui/{build-view,start-ink-ui,reduce-build-state,lazy-ui-sink,read-last-line,estimate-remaining}.test.{ts,tsx}",
      "test/stages/{lbg-stages,nondetections}.test.ts",
      "test/watch/watch-session.test.ts",
      "test/engine/stage-end-reason.test.ts",
      "test/engine/dead-worker.test.ts",
      "test/python/ceci-pipeline-file.test.ts",
    ],
  },
});
