// ceci's Jinja2 templates end to end (`lbg build pipeline.yml -t field=north`): the rendered file decides what
// builds and what is stale, for build, build -n, status, dag, clean and watch; the stage config file is not a
// template (ceci renders the pipeline file only); undefined and unused parameters are errors as in ceci.
import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";
import { Watcher } from "../watch/watcher.ts";

const env = { LBG_PYTHON: PY };
const FILE = "ceci/fields.yml";
const PIPELINE = `# one file for every field
{% if field == "" %}
  {% set tail = "" %}
{% else %}
  {% set tail = "_" ~ field %}
{% endif %}
modules: lbgtest_stages
python_paths: pylib
stages:
  - name: PyScale
inputs:
  numbers: ./data/numbers.txt
config: ./ceci/fields-config.yml
resume: True
output_dir: ./ceci/out{{ tail }}
log_dir: ./ceci/logs{{ tail }}
`;

describe("ceci templates", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject(["mini", "mixed"]);
    p.write(FILE, PIPELINE);
    p.write("ceci/fields-config.yml", 'PyScale:\n  factor: 3\n  note: "{{ field }}"\n');
  });
  afterEach(() => p?.remove());

  it("each field builds into its own folders; the parameters decide what is fresh", () => {
    const north = p.build(FILE, ["-t", "field=north"], env);
    expect(north.code, north.stderr).toBe(0);
    expect(north.ran).toEqual(["PyScale"]);
    expect(p.read("ceci/out_north/scaled.txt")).toBe("3\n6\n9\n");
    // The config file is not a template: the stage gets the text as written.
    expect(p.read("ceci/logs_north/PyScale.out")).toMatch(/--config=(\S+)/);
    const config = /--config=(\S+)/.exec(p.read("ceci/logs_north/PyScale.out"))![1]!;
    expect(p.read(config.replace(p.dir, "."))).toMatch(/note: ["']\{\{ field \}\}["']/);

    // Same parameters: nothing to do (and the next time through the no-op stamp); another field: its own run.
    expect(p.build(FILE, ["-t", "field=north"], env).ran).toEqual([]);
    const again = p.lbg(["build", FILE, "-t", "field=north", "--json"], { env: { ...env, LBG_TRACE_NOOP: "1" } });
    expect(again.stderr).toContain("stamp holds");
    expect(again.events.filter((e) => e.event === "stage-start")).toEqual([]);
    const south = p.lbg(["build", FILE, "--template-parameters=field=south", "--json"], {
      env: { ...env, LBG_TRACE_NOOP: "1" },
    });
    expect(south.stderr).toContain("no stamp for these arguments");
    expect(south.events.find((e) => e.event === "stage-start")?.reasons).toEqual([
      "output path changed: scaled ceci/out_north/scaled.txt → ceci/out_south/scaled.txt",
    ]);
    expect(p.read("ceci/out_south/scaled.txt")).toBe("3\n6\n9\n");

    // An empty value is a value (TXPipe's "no field" case), and overrides go before -t.
    const none = p.build(FILE, ["resume=True", "-t", "field="], env);
    expect(none.code, none.stderr).toBe(0);
    expect(p.exists("ceci/out/scaled.txt")).toBe(true);
  });

  it("status, dag, build -n, describe --pipeline and clean take -t too", () => {
    expect(p.build(FILE, ["-t", "field=north"], env).code).toBe(0);
    const status = (field: string) => {
      const s = p.lbg(["status", FILE, "-t", `field=${field}`, "--json"], { env });
      expect(s.code, s.stderr).toBe(0);
      return JSON.parse(s.stdout).stages[0].state;
    };
    expect(status("north")).toBe("fresh");
    expect(status("south")).toBe("stale");
    const dag = p.lbg(["dag", FILE, "-t", "field=north"], { env });
    expect(dag.code, dag.stderr).toBe(0);
    expect(dag.stdout).toContain('"PyScale"');
    const dry = p.lbg(["build", FILE, "-n", "-t", "field=south"], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /would run PyScale {2}\(output path changed: scaled ceci\/out_north\/scaled\.txt → ceci\/out_south/,
    );
    expect(p.exists("ceci/out_south")).toBe(false);
    const described = p.lbg(["describe", "PyScale", "--pipeline", FILE, "-t", "field=north"], { env });
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toContain("factor");
    expect(p.lbg(["describe", "PyScale", "--pipeline", FILE], { env }).stderr).toMatch(
      /template variable 'field' is undefined/,
    );
    const clean = p.lbg(["clean", FILE, "-t", "field=north"], { env });
    expect(clean.code, clean.stderr).toBe(0);
    expect(p.exists("ceci/out_north/scaled.txt")).toBe(false);
  });

  it("a missing, unused or malformed parameter is one clear line, exit 2", () => {
    const missing = p.lbg(["build", FILE], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "lbg: error: ceci/fields.yml:2: template variable 'field' is undefined (hint: give it with -t field=<value>)\n",
    );
    const unused = p.lbg(["status", FILE, "-t", "field=a", "feild=b"], { env });
    expect(unused.code).toBe(2);
    expect(unused.stderr).toBe(
      "lbg: error: -t feild=b: not used by ceci/fields.yml (it takes field); ceci refuses unused template parameters too\n",
    );
    const swallowed = p.lbg(["build", FILE, "-t", "field=a", "resume=False"], { env });
    expect(swallowed.code).toBe(2);
    expect(swallowed.stderr).toMatch(/put overrides before -t/);
    const bad = p.lbg(["dag", FILE, "-t", "field"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^lbg: error: -t field: expected key=value/);
    const run = p.lbg(["build", "numbers", "-t", "field=a"], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/template parameters apply to ceci pipeline files, not to run 'numbers'/);
  });

  it("lbg watch renders with its parameters and re-renders when the template changes", async () => {
    const w = new Watcher(p, ["-t", "field=north"], FILE, env);
    try {
      await w.until((e) => e.event === "watch-idle", 1, 60_000);
      expect(p.read("ceci/out_north/scaled.txt")).toBe("3\n6\n9\n");
      writeFileSync(p.path(FILE), PIPELINE.replace("out{{ tail }}", "moved{{ tail }}"));
      await w.until((e) => e.event === "watch-idle", 2, 60_000);
      expect(p.read("ceci/moved_north/scaled.txt")).toBe("3\n6\n9\n");
    } finally {
      await w.stop();
    }
  });
});
