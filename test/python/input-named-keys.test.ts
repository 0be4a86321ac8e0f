// A Python stage's config key named like one of its inputs: ceci takes the config's value over the --<tag>
// flag, so the stage reads a file lbg neither tracks nor hashes. lbg cannot see that file change and says so.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const CFG = "configs/pipelines/py/config.yaml";

describe("a Python stage's config key named like its input", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  const env = { LBG_PYTHON: "/usr/bin/python3" };
  beforeAll(() => {
    if (noPython) return;
    p = new TempProject(["mini", "mixed"]);
  });
  afterAll(() => p?.remove());

  it("is a warning naming the key, its line and the file ceci reads instead", () => {
    const config = p.read(CFG);
    p.write("data/alt.txt", "100\n200\n");
    // PyScale reads its input `numbers` (the class's tag; a key named like the input's alias counts too).
    p.write(CFG, config.replace("  factor: 3\n", "  factor: 3\n  numbers: data/alt.txt\n"));
    const r = p.build("mixed", ["--dry-run"], env);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.events.filter((e) => e.event === "warning" && e.message.includes("names its input"));
    expect(warnings.map((e) => e.message)).toEqual([
      `${CFG}:6:12: config key 'numbers' of stage 'PyScale' names its input 'numbers': ceci then reads "data/alt.txt" instead of the input lbg tracks, and lbg does not see that file change (hint: remove the key, and point the run's input (or the stage's alias) at that file instead)`,
    ]);
    p.write(CFG, config);
    const clean = p.build("mixed", ["--dry-run"], env);
    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toContain("names its input");
  });
});
