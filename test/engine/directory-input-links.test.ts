// A directory input is hashed as the stage reads it: through symbolic links. A file linked into the folder
// (data folders on a cluster often link to shared files) used to be left out of the hash, so editing it —
// or adding or removing the link — left the stage fresh with outputs made from the old content (hostile
// cases after issue 13). A link back up the tree is not walked for ever.
import { mkdirSync, symlinkSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const STAGE = `import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Stage } from "../src/sdk/index.ts";
export default class ListDir extends Stage {
  static inputs = { docs: "directory" } as const;
  static outputs = { listing: "txt" } as const;
  run(ctx: { inputs: { docs: string }; outputs: { listing: string } }) {
    const d = ctx.inputs.docs;
    const files = readdirSync(d).sort().filter((f) => statSync(join(d, f)).isFile());
    writeFileSync(ctx.outputs.listing, files.map((f) => \`\${f}: \${readFileSync(join(d, f), "utf8").trim()}\\n\`).join(""));
  }
}
`;

describe("a directory input with symbolic links", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("editing a linked file, or adding a link, makes the reading stage stale; a link loop is no hang", () => {
    p = new TempProject("mini");
    p.write("lbg_stages/list_dir.ts", STAGE);
    p.write("configs/pipelines/ld/pipeline.yaml", "modules: lbg_stages\nstages:\n  - name: ListDir\n");
    p.write("configs/runs/ld.yaml", "pipelines: ld\ninputs:\n  docs: data/docs\n");
    p.write("data/docs/a.txt", "one\n");
    p.write("shared/t.txt", "first\n");
    symlinkSync("../../shared/t.txt", p.path("data/docs/linked.txt"));
    expect(p.build("ld").code).toBe(0);
    expect(p.read("results/ld/outputs/listing.txt")).toBe("a.txt: one\nlinked.txt: first\n");

    p.write("shared/t.txt", "second\n");
    const edited = p.build("ld");
    expect(edited.ran).toEqual(["ListDir"]);
    expect(p.read("results/ld/outputs/listing.txt")).toBe("a.txt: one\nlinked.txt: second\n");

    p.write("shared/u.txt", "third\n");
    symlinkSync("../../shared/u.txt", p.path("data/docs/more.txt"));
    symlinkSync("..", p.path("data/docs/up")); // data/docs/up/docs/up/... for ever, if followed blindly
    mkdirSync(p.path("shared/sub"));
    symlinkSync("../../shared", p.path("data/docs/sharedlink"));
    const added = p.lbg(["build", "ld", "--json"], { timeout: 60_000 });
    expect(added.signal, "lbg hung").toBeNull();
    expect(added.code, added.stderr).toBe(0);
    expect(p.read("results/ld/outputs/listing.txt")).toBe("a.txt: one\nlinked.txt: second\nmore.txt: third\n");
    expect(p.build("ld").ran).toEqual([]);
  });
});
