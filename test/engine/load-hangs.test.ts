// Stage code that never returns while lbg loads the run — top-level code of a stage file, or a validate
// hook — is cut off after LBG_LOAD_TIMEOUT seconds with one line naming the likely cause (it was Node's
// "spawnSync /usr/bin/node ETIMEDOUT" after a fixed 120 s). Hostile cases after issue 13.
import { afterEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const stage = (top: string, hook: string) => `import { writeFileSync } from "node:fs";
import { Stage } from "../src/sdk/index.ts";
${top}
export default class Hang extends Stage {
  static outputs = { h: "txt" } as const;
  static config = { x: { type: "int", default: 1 } } as const;
  ${hook}
  run(ctx: { outputs: { h: string } }) {
    writeFileSync(ctx.outputs.h, "h\\n");
  }
}
`;

describe("stage code that hangs while the run loads", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  const cases = [
    {
      name: "a validate hook that never returns",
      code: stage("", "static validate() { for (;;) {} }"),
      expect: /^lbg: error: lbg_stages\/hang\.ts: the validate hooks of the run's stages gave no answer within 10 s/,
    },
    {
      name: "top-level code of a stage file that never returns",
      code: stage("for (;;) {}", ""),
      expect:
        /lbg_stages\/hang\.ts: failed to load: no answer within 10 s: does the stage file's top-level code run for ever\?/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: one line naming it, exit 2`, () => {
      p = new TempProject("mini");
      p.write("lbg_stages/hang.ts", c.code);
      p.write("configs/pipelines/hang/pipeline.yaml", "modules: lbg_stages\nstages:\n  - name: Hang\n");
      p.write("configs/runs/hang.yaml", "pipelines: hang\ninputs: {}\n");
      const r = p.lbg(["build", "hang"], { env: { LBG_LOAD_TIMEOUT: "10" }, timeout: 90_000 });
      expect(r.signal, "lbg hung").toBeNull();
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(c.expect);
    }, 120_000);
  }
});
