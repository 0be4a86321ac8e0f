// Text put into the report's HTML: every character that could open a tag or close an attribute is escaped.
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
