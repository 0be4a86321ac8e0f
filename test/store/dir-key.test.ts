// A directory's key in the no-op stamp (dirKey) must cover every file its content hash reads
// (listFilesRecursive): the files of symlinked folders too, with links that loop skipped the same way.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFilesRecursive } from "../../src/fs/hash-file.ts";
import { dirKey } from "../../src/store/noop-stamp.ts";

describe("dirKey", () => {
  let root: string;
  const tree = () => join(root, "tree");
  /** The names in a key, in its order. */
  const names = (key: string) =>
    key
      .split("|")
      .slice(1)
      .map((part) => part.slice(0, part.lastIndexOf(" ")));

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "lbg-dirkey-"));
    mkdirSync(join(root, "tree", "sub"), { recursive: true });
    mkdirSync(join(root, "elsewhere", "deep"), { recursive: true });
    writeFileSync(join(root, "tree", "a.txt"), "a\n");
    writeFileSync(join(root, "tree", "sub", "b.txt"), "b\n");
    writeFileSync(join(root, "elsewhere", "x.txt"), "x\n");
    writeFileSync(join(root, "elsewhere", "deep", "y.txt"), "y\n");
    symlinkSync("../elsewhere", join(root, "tree", "link")); // walked
    symlinkSync("..", join(root, "tree", "sub", "up")); // back into a folder being walked: not walked
    symlinkSync("../../tree", join(root, "elsewhere", "deep", "back")); // a loop through the link: not walked
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("covers every file the directory's hash reads, through symlinked folders, skipping loops alike", () => {
    const files = listFilesRecursive(tree());
    expect(files).toEqual(["a.txt", "link/deep/y.txt", "link/x.txt", "sub/b.txt"]);
    const key = dirKey(tree());
    expect(key).toBeDefined();
    const covered = names(key!);
    for (const f of files) expect(covered).toContain(f);
    // The links that loop are stat'ed (their target changing changes the key) but not walked.
    expect(covered.sort()).toEqual([
      "a.txt",
      "link",
      "link/deep",
      "link/deep/back",
      "link/deep/y.txt",
      "link/x.txt",
      "sub",
      "sub/b.txt",
      "sub/up",
    ]);
  });

  it("changes when a file inside a symlinked folder does", () => {
    const before = dirKey(tree());
    writeFileSync(join(root, "elsewhere", "deep", "y.txt"), "z\n"); // same size
    utimesSync(join(root, "elsewhere", "deep", "y.txt"), new Date(0), new Date(0)); // ctime still tells
    expect(dirKey(tree())).not.toBe(before);
  });

  it("vouches for nothing, without throwing, when a link loops on itself", () => {
    symlinkSync("self", join(root, "tree", "self"));
    try {
      expect(listFilesRecursive(tree())).not.toContain("self");
      expect(dirKey(tree())).toBeUndefined();
    } finally {
      rmSync(join(root, "tree", "self"));
    }
  });
});
