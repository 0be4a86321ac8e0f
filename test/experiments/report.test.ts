// `lbg report`: one self-contained HTML file, checked as text and in a real headless Chromium (Debian's
// `chromium`, which npm run setup:optional installs; skipped, saying why, where it is absent) driven
// by playwright-core: no console error, no request leaving the file, the graph and a plot visible with real
// content, links between stages that work.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePng } from "../../src/catalog/png-encoder.ts";
import { contentStats, decodePng } from "../helpers/png-pixels.ts";
import { CHROMIUM, noChromium, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

// What Chromium needs to start headless as root here, and nothing that would reach the network.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe("lbg report", () => {
  let p: TempProject;
  let html: string;
  const file = () => p.path("out", "report.html");
  beforeAll(() => {
    p = new TempProject(["mini", "experiments"]);
    expect(p.build("numbers", ["--set", "MakeNumbers.n=4"]).code).toBe(0);
    // n back to 10, and SumNumbers fails: the report shows a failed stage, a stale one and changed metrics.
    expect(p.build("numbers", ["--set", "SumNumbers.fail=true", "-k"]).code).toBe(1);
    const r = p.lbg(["report", "numbers", "-o", "out/report.html"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lbg report: wrote out\/report\.html \(\d+ kB\)$/m);
    html = p.read("out/report.html");
  }, 180_000);
  afterAll(() => p.remove());

  it("is self-contained: no script, no stylesheet or image fetched from anywhere, plots as data: URIs", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link[^>]+stylesheet/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]{100,}" alt="numbers_plot">/);
    expect(html).toContain('<svg width="');
    expect(html).toContain('id="stage-SumNumbers"');
    expect(html).toContain("asked to fail"); // the failed stage's log tail
    expect(html).toContain("summary.count"); // a metric, with its change
    expect(html).toContain("config.yaml:2"); // provenance: where an option's value is written
  });

  it("the default file is beside the run's output folder", () => {
    const r = p.lbg(["report", "numbers"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("wrote results/numbers/report.html");
    expect(p.exists("results/numbers/report.html")).toBe(true);
  });

  it("decodes PNGs into pixels (the screenshot check below depends on it)", () => {
    const rgb = new Uint8Array(4 * 3 * 3).fill(255);
    rgb.set([200, 10, 20], 4 * 3 + 3);
    const px = decodePng(encodePng({ width: 4, height: 3, pixels: rgb }));
    expect([px.width, px.height]).toEqual([4, 3]);
    expect([...px.data.subarray((4 + 1) * 4, (4 + 1) * 4 + 4)]).toEqual([200, 10, 20, 255]);
    expect(contentStats(px)).toEqual({ colours: 2, nonBackground: 1 / 12 });
  });

  describe("in headless Chromium", () => {
    skipAllWhen(noChromium);
    let ctx: BrowserContext | undefined;
    let page: Page;
    const problems: string[] = [];
    let profile: string | undefined;
    beforeAll(async () => {
      if (!CHROMIUM) return;
      profile = mkdtempSync(join(tmpdir(), "lbg-chromium-"));
      ctx = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 900 },
      });
      page = await ctx.newPage();
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("request", (r) => {
        if (!/^(file|data):/.test(r.url())) problems.push(`request: ${r.url()}`);
      });
      await page.goto(`file://${file()}`, { waitUntil: "load" });
    }, 120_000);
    afterAll(async () => {
      await ctx?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it("loads without console errors or network requests", () => {
      expect(problems).toEqual([]);
    });

    it("shows the graph, coloured by state, with real content", async () => {
      const svg = page.locator("#graph svg");
      await expect.poll(() => svg.isVisible()).toBe(true);
      expect(await page.locator("#graph svg g.node").count()).toBe(6); // 5 stages and the run input
      const fill = (name: string) =>
        page.locator(`#dag-${name} path, #dag-${name} polygon`).first().getAttribute("fill");
      expect(await fill("SumNumbers")).toBe("#ffcdd2"); // failed
      expect(await fill("MakeNumbers")).toBe("#c8e6c9"); // fresh
      const box = (await svg.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      const stats = contentStats(decodePng(await svg.screenshot()));
      expect(stats.colours).toBeGreaterThan(20);
      expect(stats.nonBackground).toBeGreaterThan(0.03);
    });

    it("shows a plot, decoded and with real content", async () => {
      const img = page.locator('img[alt="numbers_plot"]');
      await img.scrollIntoViewIfNeeded();
      expect(await img.evaluate((e: HTMLImageElement) => e.complete && e.naturalWidth > 0)).toBe(true);
      const stats = contentStats(decodePng(await img.screenshot()));
      expect(stats.colours).toBeGreaterThan(3);
      expect(stats.nonBackground).toBeGreaterThan(0.02);
    });

    it("links between stages work: a graph node, then an input's producer", async () => {
      await page.locator("#dag-SumNumbers").click();
      await expect.poll(() => page.evaluate(() => location.hash)).toBe("#stage-SumNumbers");
      await expect.poll(() => page.locator("#stage-SumNumbers").isVisible()).toBe(true);
      expect(await page.evaluate(() => document.querySelector(":target")?.id)).toBe("stage-SumNumbers");
      await page.locator("#stage-SumNumbers").getByRole("link", { name: "MakeNumbers" }).first().click();
      await expect.poll(() => page.evaluate(() => location.hash)).toBe("#stage-MakeNumbers");
      const top = await page.locator("#stage-MakeNumbers").evaluate((e) => e.getBoundingClientRect().top);
      expect(Math.abs(top)).toBeLessThan(5); // scrolled to it
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, table cells apart (textContent runs them together)
      expect(await page.locator("#metrics-changed").innerText()).toMatch(/summary\.count\s+4\s+10\s+\+6/);
    });
  });
});
