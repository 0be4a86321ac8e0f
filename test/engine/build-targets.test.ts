// Building part of a run (issue 16 item 1): targets (stage names, output tags, output files) and --until
// build those and what they need; --from builds a stage and what follows; --force alone forces every
// selected stage and never takes the run name as a stage; --force-stage / --force=S name stages. The same
// selection for status (with --check's make -q exit codes) and dag; a build with no run lists the runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

// mini: MakeNumbers → numbers → SumNumbers (total) and CountNumbers (numbers_count); data/notes.txt → CountNotes
describe("build targets, --until, --from and --force", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini");
  });
  afterAll(() => p?.remove());

  it("a stage name as target builds it and what it needs, nothing else; status and dag see the same part", () => {
    const r = p.build("numbers", ["SumNumbers"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.ran).toEqual(["MakeNumbers", "SumNumbers"]);
    expect(r.events[0]).toMatchObject({ event: "build-start", stages: 2, of: 4, selection: "until SumNumbers" });
    expect(p.exists("results/numbers/outputs/numbers_count.txt")).toBe(false);

    const s = p.lbg(["status", "numbers", "SumNumbers"]);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain("numbers: 2 fresh, 0 stale (2 of 4 stages: until SumNumbers)");
    const d = p.lbg(["dag", "numbers", "SumNumbers"]);
    expect(d.stdout).toContain('"MakeNumbers" -> "SumNumbers"');
    expect(d.stdout).not.toContain("CountNotes");

    const plain = p.lbg(["build", "numbers", "SumNumbers"]);
    expect(plain.stdout).toContain("lbg: building numbers (numbers): 2 of 4 stages (until SumNumbers), -j");
    // The no-op answer for the part is not the answer for the whole run.
    const whole = p.build("numbers");
    expect(whole.ran.sort()).toEqual(["CountNotes", "CountNumbers"]);
  });

  it("an output file or tag as target builds the stage that writes it; --until is the same", () => {
    const q = new TempProject("mini");
    try {
      const byPath = q.build("numbers", ["results/numbers/outputs/numbers_count.txt"]);
      expect(byPath.code, byPath.stderr).toBe(0);
      expect(byPath.ran).toEqual(["MakeNumbers", "CountNumbers"]);
      const byTag = q.build("numbers", ["--until", "notes_count"]);
      expect(byTag.ran).toEqual(["CountNotes"]);
      expect(byTag.events[0]?.selection).toBe("until notes_count");
    } finally {
      q.remove();
    }
  });

  it("--from builds a stage and what follows it, reading what left-out stages made", () => {
    expect(p.build("numbers").code).toBe(0);
    const r = p.build("numbers", ["--from", "SumNumbers", "--force"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.ran).toEqual(["SumNumbers"]);
    const fromTag = p.build("numbers", ["--from", "numbers", "--force"]);
    expect(fromTag.ran.sort()).toEqual(["CountNumbers", "SumNumbers"]);

    const q = new TempProject("mini");
    try {
      const missing = q.lbg(["build", "numbers", "--from", "SumNumbers"]);
      expect(missing.code).toBe(2);
      expect(missing.stderr.trim()).toMatch(
        /^lbg: error: --from: input 'numbers' \(needed by SumNumbers\) does not exist: .*numbers\.txt \(hint: stage MakeNumbers makes it, and --from leaves that stage out: build it first \(name MakeNumbers as a target\)\)$/,
      );
    } finally {
      q.remove();
    }
  });

  it("--force alone forces every selected stage and never swallows the run name", () => {
    expect(p.build("numbers").code).toBe(0);
    const all = p.lbg(["build", "--force", "numbers", "--json"]);
    expect(all.code, all.stderr).toBe(0);
    const ran = all.events.filter((e) => e.event === "stage-start").map((e) => e.stage);
    expect(ran.sort()).toEqual(["CountNotes", "CountNumbers", "MakeNumbers", "SumNumbers"]);
    expect(all.events.find((e) => e.event === "stage-start")?.reasons).toEqual(["forced"]);

    const part = p.build("numbers", ["SumNumbers", "--force"]);
    expect(part.ran).toEqual(["MakeNumbers", "SumNumbers"]);
  });

  it("--force=S and --force-stage S (repeatable) force only the stages named", () => {
    expect(p.build("numbers").code).toBe(0);
    const one = p.build("numbers", ["--force=SumNumbers"]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.ran).toEqual(["SumNumbers"]);
    const two = p.build("numbers", ["--force-stage", "SumNumbers", "--force-stage", "CountNotes"]);
    expect(two.ran.sort()).toEqual(["CountNotes", "SumNumbers"]);
  });

  it("bad names are one line with a did-you-mean, exit 2", () => {
    const target = p.lbg(["build", "numbers", "SumNumber"]);
    expect(target.code).toBe(2);
    expect(target.stderr.trim()).toBe(
      "lbg: error: target 'SumNumber' is neither a stage, an output tag nor an output file of this run (hint: did you mean 'SumNumbers'?)",
    );
    const force = p.lbg(["build", "numbers", "--force-stage", "CountNote"]);
    expect(force.code).toBe(2);
    expect(force.stderr.trim()).toBe(
      "lbg: error: --force-stage CountNote: no stage 'CountNote' in run 'numbers' (hint: did you mean 'CountNotes'?)",
    );
    const outside = p.lbg(["build", "numbers", "SumNumbers", "--force=CountNotes"]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain(
      "stage 'CountNotes' is not among the stages this build selects (until SumNumbers)",
    );
    const none = p.lbg(["build", "numbers", "--from", "SumNumbers", "--until", "CountNotes"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--from SumNumbers and --until CountNotes select no stage");
  });

  it("status --check exits as make -q: 0 all fresh, 1 something stale, 2 bad input", () => {
    expect(p.build("numbers").code).toBe(0);
    expect(p.lbg(["status", "numbers", "--check"]).code).toBe(0);
    const stale = p.lbg(["status", "numbers", "--check", "--set", "MakeNumbers.n=3"]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain("stale  MakeNumbers");
    expect(p.lbg(["status", "numbers", "--check", "--json", "--set", "MakeNumbers.n=3"]).code).toBe(1);
    // Only the selected part counts: CountNotes does not read MakeNumbers' output.
    expect(p.lbg(["status", "numbers", "CountNotes", "--check", "--set", "MakeNumbers.n=3"]).code).toBe(0);
    expect(p.lbg(["status", "numbers", "--check", "--set", "MakeNumbers.m=3"]).code).toBe(2);
  });

  it("a command given no run lists the project's runs", () => {
    p.write("configs/runs/other.yaml", p.read("configs/runs/numbers.yaml"));
    for (const cmd of ["build", "status", "watch", "dag"]) {
      const r = p.lbg([cmd]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        `lbg: error: lbg ${cmd} needs a run: numbers, other (hint: lbg ${cmd} numbers [target...])`,
      );
    }
  });
});
