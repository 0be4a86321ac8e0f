// Two runs with one output_dir never build at the same time: their stages' in-progress files share names
// (ceci's Python stages choose them), so the second build is refused naming the first run, or queues
// behind it with --wait (issue 13, item 14). Runs with folders of their own still build in parallel
// (reliability.test.ts).
import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "../helpers/processes.ts";
import { TempProject, waitForEvent } from "../helpers/temp-project.ts";

describe("runs sharing an output_dir", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("a second run building into the same folder is refused, names the first, and --wait queues behind it", async () => {
    p = new TempProject("mini");
    const run = p
      .read("configs/runs/numbers.yaml")
      .replace("output_dir: results/<run>/outputs", "output_dir: results/shared");
    p.write("configs/runs/a.yaml", run);
    p.write("configs/runs/b.yaml", run);
    const a = p.spawn(["build", "a", "--json", "--set", "MakeNumbers.sleep=10"]);
    const aDone = new Promise<number | null>((r) => a.on("exit", r));
    await waitForEvent(a, (e) => e.event === "stage-start" && e.stage === "MakeNumbers");
    const refused = p.lbg(["build", "b"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(
      /^lbg: error: output_dir results\/shared is shared with run 'a', which is being built by pid \d+ on \S+ since \S+ \(lbg build\) \(hint: two runs cannot build into one output folder at once/,
    );
    const b = p.spawn(["build", "b", "--wait", "--json"]);
    let stderr = "";
    b.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const bDone = new Promise<number | null>((r) => b.on("exit", r));
    await waitUntil(() => stderr.includes("\n"), "b to say whom it waits for", 30_000);
    expect(stderr).toMatch(
      /^lbg: waiting for pid \d+ on \S+ since \S+ \(lbg build\) to finish building run 'a' \(it builds into output_dir results\/shared too\)/,
    );
    expect(await bDone).toBe(0);
    expect(await aDone).toBe(0);
    expect(p.read("results/shared/total.txt")).toBe("45\n");
    expect(p.exists("results/shared/inprogress_numbers.txt")).toBe(false);
  }, 60_000);
});
