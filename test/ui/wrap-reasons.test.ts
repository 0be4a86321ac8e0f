import { describe, expect, it } from "vitest";
import { wrapReasons } from "../../src/ui/wrap-reasons.ts";

describe("wrapReasons", () => {
  it("breaks between reasons and their items, never inside a change", () => {
    const text = "config changed: MakeNumbers.n 10 → 1234, sleep 0 → 0.5; inputs changed: numbers, notes";
    expect(wrapReasons(text, 47)).toEqual([
      "config changed: MakeNumbers.n 10 → 1234,",
      "sleep 0 → 0.5; inputs changed: numbers, notes",
    ]);
    // Every width at least as wide as the longest word: nothing lost, nothing cut, `sleep 0 → 0.5` whole.
    for (let w = 15; w <= 90; w++) {
      const lines = wrapReasons(text, w);
      expect(lines.join(" ")).toBe(text);
      expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(w);
      expect(lines.some((l) => l.includes("sleep 0 → 0.5"))).toBe(true);
    }
  });

  it("fits on one line when it can", () => {
    expect(wrapReasons("never built", 40)).toEqual(["never built"]);
    expect(wrapReasons("", 40)).toEqual([""]);
  });

  it("an item wider than the column breaks between words, and a word wider than it in pieces", () => {
    expect(wrapReasons("outputs missing in results/x: aaaa bbbb cccc", 12)).toEqual([
      "outputs",
      "missing in",
      "results/x:",
      "aaaa bbbb",
      "cccc",
    ]);
    expect(wrapReasons("x".repeat(25), 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
    for (const l of wrapReasons(`a, ${"y".repeat(23)}, b`, 10)) expect(l.length).toBeLessThanOrEqual(10);
  });
});
