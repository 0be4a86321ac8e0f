// An unclosed `[`, `{` or quote is reported at its opening, not where the yaml parser gave up (issue 16 item 7).
import { describe, expect, it } from "vitest";
import { openingBefore } from "../../src/config/yaml-error-position.ts";

describe("openingBefore", () => {
  it("finds the outermost bracket still open", () => {
    const t = "a: 1\nseed: [7\n\nb: 2\n";
    expect(openingBefore(t, t.length)).toBe(t.indexOf("["));
    const nested = "x: {a: [1, 2], b: [3\n";
    expect(openingBefore(nested, nested.length)).toBe(nested.indexOf("{"));
  });

  it("ignores closed brackets, comments, brackets inside quotes and inside plain words", () => {
    expect(openingBefore("a: [1, 2]\nb: {x: 1}\n", 20)).toBeUndefined();
    expect(openingBefore("a: 1 # [not a list\nb: 2\n", 20)).toBeUndefined();
    expect(openingBefore('a: "[x"\nb: 2\n', 12)).toBeUndefined();
    expect(openingBefore("a: it's [fine\nb: 2\n", 18)).toBeUndefined();
    expect(openingBefore("a: 'it''s'\nb: [1\n", 16)).toBe(14);
  });

  it("finds a quote that is never closed", () => {
    const t = 'a: 1\nname: "abc\nb: 2\n';
    expect(openingBefore(t, t.length)).toBe(t.indexOf('"'));
  });
});
