// What a stage says is foreign output: a failure report shows a few hundred characters of it, never all
// of a megabyte-long error message or log line (the log keeps everything). Hostile cases after issue 13.
import { afterEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

describe("a failing stage's words are shown clipped", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("a megabyte-long error message and log line: a short report, the whole text in the log", () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/loud.ts",
      `import { Stage } from "../src/sdk/index.ts";
export default class Loud extends Stage {
  static outputs = { l: "txt" } as const;
  run() {
    process.stdout.write("y".repeat(1_000_000));
    throw new Error("x".repeat(1_000_000));
  }
}
`,
    );
    p.write("configs/pipelines/loud/pipeline.yaml", "modules: lbg_stages\nstages:\n  - name: Loud\n");
    p.write("configs/runs/loud.yaml", "pipelines: loud\ninputs: {}\n");
    const plain = p.lbg(["build", "loud", "--plain"]);
    expect(plain.code).toBe(1);
    expect(plain.stdout.length + plain.stderr.length).toBeLessThan(8_000);
    expect(plain.stdout).toMatch(/more characters; the log has all of it/);
    const json = p.build("loud");
    const end = json.events.find((e) => e.event === "stage-end")!;
    expect(end.error.length).toBeLessThan(700);
    expect(end.error).toMatch(/^Error: x{400}/);
    for (const line of end.logTail as string[]) expect(line.length).toBeLessThan(700);
    expect(p.read("results/loud/logs/Loud.out").length).toBeGreaterThan(2_000_000);
  });
});
