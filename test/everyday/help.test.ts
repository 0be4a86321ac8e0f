// `lbg help [topic]`: the config formats from docs/help/*.md, bundled into lbg and printed for a terminal.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HELP_TOPICS } from "../../src/cli/help-topics.ts";
import { renderMarkdown, wrap } from "../../src/cli/render-markdown.ts";
import { REPO, TempProject } from "../helpers/temp-project.ts";

describe("lbg help", () => {
  const p = new TempProject();
  afterAll(() => p.remove());

  it("with no topic: the commands, then the topics", () => {
    const r = p.lbg(["help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Commands:[\s\S]*build \[options\] \[run\] \[targets\.\.\.\]/);
    expect(r.stdout).toMatch(/Help topics \(lbg help <topic>\):\n {2}runs +run files/);
    for (const t of HELP_TOPICS) expect(r.stdout).toContain(`  ${t.name} `);
  });

  it("a topic is printed for the terminal: no Markdown markers, lines within 100 columns", () => {
    const r = p.lbg(["help", "runs"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^RUN FILES\n/);
    expect(r.stdout).toMatch(/\n {2}output_dir +where outputs go/);
    expect(r.stdout).not.toMatch(/```|\|---|`output_dir`/);
    for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    // An alias finds it too.
    expect(p.lbg(["help", "run"]).stdout).toBe(r.stdout);
  });

  it("--markdown prints the topic's source", () => {
    const r = p.lbg(["help", "pipelines", "--markdown"]);
    expect(r.stdout).toBe(readFileSync(join(REPO, "docs", "help", "pipelines.md"), "utf8"));
  });

  it("the text is bundled: an edit of docs/help rebuilds lbg; a copy of lbg without docs/help still runs", () => {
    p.write("docs/help/sites.md", "# Sites\n\nEdited.\n");
    expect(p.lbg(["help", "sites"]).stdout).toBe("SITES\n\nEdited.\n");
    rmSync(p.path("docs"), { recursive: true });
    const r = p.lbg(["help", "sites"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("(this copy of lbg has no docs/help/sites.md)\n");
    expect(p.lbg(["list", "runs"]).stdout).toContain("photoz_sim");
  });

  it("lbg --help points to the topics and the everyday commands", () => {
    expect(p.lbg(["--help"]).stdout).toMatch(/Config formats: lbg help runs \| pipelines/);
  });

  it("a command's name gives its --help; anything else: exit 2 with a did-you-mean", () => {
    expect(p.lbg(["help", "build"]).stdout).toMatch(/^Usage: lbg build \[options\] \[run\] \[targets\.\.\.\]/);
    const r = p.lbg(["help", "stage-confg"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such topic or command.*did you mean 'stage-config'/);
  });

  it("every file in docs/help is a topic", () => {
    const files = readdirSync(join(REPO, "docs", "help")).filter((f) => f.endsWith(".md"));
    const bundled = new Set(HELP_TOPICS.map((t) => t.markdown));
    for (const f of files) expect(bundled.has(readFileSync(join(REPO, "docs", "help", f), "utf8")), f).toBe(true);
  });
});

describe("renderMarkdown", () => {
  const plain = { width: 40, color: false };

  it("wraps paragraphs and list items to the width, with a hanging indent", () => {
    const out = renderMarkdown(
      "A paragraph that is long enough to need wrapping at forty columns.\n\n1. first item that also wraps over the width\n",
      plain,
    );
    expect(out).toBe(
      "A paragraph that is long enough to need\nwrapping at forty columns.\n\n1. first item that also wraps over the\n   width\n",
    );
  });

  it("indents code, drops the fences and keeps its lines as they are", () => {
    expect(renderMarkdown("```yaml\nkey:   value   # comment\n```\n", plain)).toBe("    key:   value   # comment\n");
  });

  it("aligns a table's columns and wraps its last column", () => {
    const out = renderMarkdown("| key | meaning |\n|---|---|\n| `a` | one two three four five six seven |\n", plain);
    expect(out.split("\n")).toEqual([
      "  key  meaning",
      `  ${"-".repeat(36)}`,
      "  a    one two three four five six seven",
      "",
    ]);
  });

  it("keeps a | escaped inside a cell", () => {
    expect(renderMarkdown("| a | b \\| c |\n|---|---|\n", plain)).toContain("b | c");
  });

  it("colours inline code and headings only when asked", () => {
    expect(renderMarkdown("# T\n\nuse `x`\n", { width: 40, color: true })).toBe(
      "\x1b[1mT\x1b[22m\n\nuse \x1b[36mx\x1b[39m\n",
    );
  });

  it("every topic fits 100 columns", () => {
    for (const t of HELP_TOPICS)
      for (const line of renderMarkdown(t.markdown, { width: 100, color: false }).split("\n"))
        expect(line.length, `${t.name}: ${line}`).toBeLessThanOrEqual(100);
  });

  it("wrap gives a long word a line of its own", () => {
    expect(wrap("a verylongwordindeed b", 5)).toEqual(["a", "verylongwordindeed", "b"]);
  });
});
