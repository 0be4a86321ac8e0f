// The help topics in docs/help/*.md are imported as their text (see src/cli/help-topics.ts).
declare module "*.md" {
  const text: string;
  export default text;
}
