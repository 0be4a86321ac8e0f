// Python programs lbg runs are kept as real .py files and imported as their text: esbuild's "text" loader
// in lbg's bundle (src/bin/lbg.mjs), a small plugin under vitest (test/vitest.config.ts).
declare module "*.py" {
  const source: string;
  export default source;
}
