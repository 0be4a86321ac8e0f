// A Python stage's config key named like one of its inputs: ceci takes the config's value over the --<tag>
// flag, so the stage reads that file instead of the wired one. lbg fingerprints that file, so an edit to it
// re-runs the stage, and warns that the graph does not show it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const CFG = "configs/pipelines/py/config.yaml";
const OUT = "results/mixed/outputs/scaled.txt";

describe("a Python stage's config key named like its input", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  const env = { LBG_PYTHON: "/usr/bin/python3" };
  beforeAll(() => {
    if (noPython) return;
    p = new TempProject(["mini", "mixed"]);
  });
  afterAll(() => p?.remove());

  it("is the file lbg hashes for that input, and a warning naming the key's line", () => {
    const config = p.read(CFG);
    expect(p.build("mixed", [], env).code).toBe(0);
    p.write("data/alt.txt", "100\n200\n");
    // PyScale reads its input `numbers` (the class's tag).
    p.write(CFG, config.replace("  factor: 3\n", "  factor: 3\n  numbers: data/alt.txt\n"));
    const r = p.build("mixed", [], env);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.events.filter((e) => e.event === "warning" && e.message.includes("names its input"));
    expect(warnings.map((e) => e.message)).toEqual([
      `${CFG}:6:12: config key 'numbers' of stage 'PyScale' names its input 'numbers': ceci reads "data/alt.txt" instead of the input the pipeline wires (lbg hashes that file, but does not order the stage after whatever makes it) (hint: remove the key, and point the run's input (or an alias) at that file instead)`,
    ]);
    expect(r.ran).toContain("PyScale");
    expect(r.reasons.PyScale?.join(" ")).toContain("data/alt.txt");
    expect(p.read(OUT)).toBe("300\n600\n");
    const again = p.build("mixed", [], env);
    expect(again.ran, JSON.stringify(again.reasons)).toEqual([]);
    // An edit of that file is an input change, through the no-op stamp and without it.
    p.write("data/alt.txt", "1\n");
    const edited = p.build("mixed", [], env);
    expect(edited.ran).toContain("PyScale");
    expect(p.read(OUT)).toBe("3\n");
    p.write("data/alt.txt", "2\n");
    const full = p.build("mixed", ["--set", "PyScale.factor=3"], env); // other arguments: no stamp for them
    expect(full.ran).toContain("PyScale");
    expect(p.read(OUT)).toBe("6\n");
    // Without the key: the wired input again, and no warning.
    p.write(CFG, config);
    const back = p.build("mixed", [], env);
    expect(back.code).toBe(0);
    expect(back.stdout).not.toContain("names its input");
    expect(back.ran).toContain("PyScale");
    expect(p.read(OUT).split("\n")[1]).toBe("3");
  });
});
