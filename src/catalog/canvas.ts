// An RGB pixel buffer with the few drawing primitives plots need: lines, rectangles, round markers and a
// 3×5 bitmap font (digits, letters drawn as capitals, a few symbols) for tick labels and titles. Everything
// is integer arithmetic on pixel centres, so a drawing is a pure function of its inputs.
import type { RgbImage } from "./png-encoder.ts";

export type Rgb = readonly [number, number, number];

/**
 * 3×5 glyphs, rows top to bottom separated by "/", "#" = ink. Lower-case letters use the capital glyph;
 * unknown characters draw as a space.
 */
const GLYPHS: Record<string, string> = {
  "0": "###/#.#/#.#/#.#/###",
  "1": ".#./##./.#./.#./###",
  "2": "###/..#/###/#../###",
  "3": "###/..#/###/..#/###",
  "4": "#.#/#.#/###/..#/..#",
  "5": "###/#../###/..#/###",
  "6": "###/#../###/#.#/###",
  "7": "###/..#/..#/.#./.#.",
  "8": "###/#.#/###/#.#/###",
  "9": "###/#.#/###/..#/###",
  ".": ".../.../.../.../.#.",
  ",": ".../.../.../.#./#..",
  "-": ".../.../###/.../...",
  "+": ".../.#./###/.#./...",
  "=": ".../###/.../###/...",
  ":": ".../.#./.../.#./...",
  "(": "..#/.#./.#./.#./..#",
  ")": "#../.#./.#./.#./#..",
  "<": "..#/.#./#../.#./..#",
  ">": "#../.#./..#/.#./#..",
  "/": "..#/..#/.#./#../#..",
  _: ".../.../.../.../###",
  "%": "#.#/..#/.#./#../#.#",
  " ": ".../.../.../.../...",
  "|": ".#./.#./.#./.#./.#.",
  A: ".#./#.#/###/#.#/#.#",
  B: "##./#.#/##./#.#/##.",
  C: ".##/#../#../#../.##",
  D: "##./#.#/#.#/#.#/##.",
  E: "###/#../##./#../###",
  F: "###/#../##./#../#..",
  G: ".##/#../#.#/#.#/.##",
  H: "#.#/#.#/###/#.#/#.#",
  I: "###/.#./.#./.#./###",
  J: "..#/..#/..#/#.#/.#.",
  K: "#.#/#.#/##./#.#/#.#",
  L: "#../#../#../#../###",
  M: "#.#/###/###/#.#/#.#",
  N: "##./#.#/#.#/#.#/#.#",
  O: ".#./#.#/#.#/#.#/.#.",
  P: "##./#.#/##./#../#..",
  Q: ".#./#.#/#.#/##./.##",
  R: "##./#.#/##./#.#/#.#",
  S: ".##/#../.#./..#/##.",
  T: "###/.#./.#./.#./.#.",
  U: "#.#/#.#/#.#/#.#/###",
  V: "#.#/#.#/#.#/#.#/.#.",
  W: "#.#/#.#/###/###/#.#",
  X: "#.#/#.#/.#./#.#/#.#",
  Y: "#.#/#.#/.#./.#./.#.",
  Z: "###/..#/.#./#../###",
};

export const BLACK: Rgb = [0, 0, 0];
export const WHITE: Rgb = [255, 255, 255];
export const GREY: Rgb = [200, 200, 200];

export class Canvas implements RgbImage {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = WHITE,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    // Byte by byte: a TypedArray.set call per pixel cost ~40 ms for a 640×480 plot.
    const [r, g, b] = background;
    const px = this.pixels;
    for (let i = 0; i < px.length; i += 3) {
      px[i] = r;
      px[i + 1] = g;
      px[i + 2] = b;
    }
  }

  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels.set(c, (y * this.width + x) * 3);
  }

  /** Bresenham line between pixel positions (rounded), both ends included. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    x0 = Math.round(x0);
    y0 = Math.round(y0);
    x1 = Math.round(x1);
    y1 = Math.round(y1);
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (let guard = 0; guard <= dx - dy + 1; guard++) {
      this.set(x0, y0, c);
      if (x0 === x1 && y0 === y1) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.round(y); j < Math.round(y + h); j++)
      for (let i = Math.round(x); i < Math.round(x + w); i++) this.set(i, j, c);
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.line(x, y, x + w, y, c);
    this.line(x + w, y, x + w, y + h, c);
    this.line(x + w, y + h, x, y + h, c);
    this.line(x, y + h, x, y, c);
  }

  /** A filled disc marker of the given radius (0 = one pixel). */
  dot(x: number, y: number, radius: number, c: Rgb): void {
    const r = Math.max(0, Math.round(radius));
    for (let j = -r; j <= r; j++)
      for (let i = -r; i <= r; i++) if (i * i + j * j <= r * r + r) this.set(x + i, y + j, c);
  }

  /** Text with its top-left corner at (x, y); each glyph is 3×5 cells of `scale` pixels plus one cell of space. */
  text(x: number, y: number, s: string, c: Rgb, scale = 2): void {
    let cx = Math.round(x);
    for (const ch of s) {
      const rows = (GLYPHS[ch] ?? GLYPHS[ch.toUpperCase()] ?? GLYPHS[" "]!).split("/");
      for (let r = 0; r < 5; r++) {
        for (let k = 0; k < 3; k++)
          if (rows[r]![k] === "#") this.fillRect(cx + k * scale, y + r * scale, scale, scale, c);
      }
      cx += 4 * scale;
    }
  }

  /** Width in pixels of `text(…, s, …, scale)`. */
  static textWidth(s: string, scale = 2): number {
    return s.length ? (4 * s.length - 1) * scale : 0;
  }
}
