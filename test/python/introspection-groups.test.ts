// Python modules are introspected by one interpreter per top-level package at once when cores are idle
// (TXPipe's and RAIL's imports each take seconds): the answer must not depend on how they were grouped.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatCache } from "../../src/fs/stat-cache.ts";
import { helperGroups, loadPythonModules, pythonEnv } from "../../src/stages/python-module-loader.ts";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { REPO } from "../helpers/temp-project.ts";

const m = (name: string) => ({ name });

describe("introspection groups", () => {
  it("one group per top-level package, spread over the slots, module order kept", () => {
    const mods = ["txpipe", "rail.a", "txpipe.extensions", "rail.b", "wrapmod"].map(m);
    const names = (g: { name: string }[][]) => g.map((x) => x.map((y) => y.name));
    expect(names(helperGroups(mods, 1))).toEqual([["txpipe", "txpipe.extensions", "rail.a", "rail.b", "wrapmod"]]);
    expect(names(helperGroups(mods, 2))).toEqual([
      ["txpipe", "txpipe.extensions", "wrapmod"],
      ["rail.a", "rail.b"],
    ]);
    expect(names(helperGroups(mods, 8))).toEqual([["txpipe", "txpipe.extensions"], ["rail.a", "rail.b"], ["wrapmod"]]);
  });

  describe("with the ceci stand-in", () => {
    skipAllWhen(noPython);
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "lbg-groups-"));
      for (const root of ["one", "many"])
        cpSync(join(REPO, "test/fixtures/mixed/pylib"), join(dir, root, "pylib"), { recursive: true });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("several interpreters give the same classes as one", async () => {
      const modules = ["lbgtest_stages", "twomods.a", "twomods.b", "extpkg", "wrapmod", "lbgtest_values"].map(m);
      const read = async (root: string, slots: number) => {
        const r = join(dir, root);
        const hashes = await StatCache.open(join(r, ".cache", "hashes.json"));
        const classes = await loadPythonModules(r, modules, pythonEnv(r, PY, ["pylib"]), hashes, slots);
        return JSON.stringify(classes.sort((a, b) => (a.name + a.module < b.name + b.module ? -1 : 1)));
      };
      const one = await read("one", 1);
      expect(one).toContain('"name":"PyTyped"');
      expect(one).toContain('"name":"ExtCopy"');
      expect(await read("many", 4)).toBe(one);
    });
  });
});
