// `lbg help [topic]`: with no topic, the commands and the help topics; with a topic, its text from
// docs/help/ (bundled), printed for the terminal; with a command's name, that command's --help.
import type { Command } from "commander";
import { suggest } from "../errors/did-you-mean.ts";
import { LbgError } from "../errors/lbg-error.ts";
import { HELP_TOPICS } from "./help-topics.ts";
import { renderMarkdown } from "./render-markdown.ts";

export async function helpCommand(
  p: Command,
  topic: string | undefined,
  o: { markdown?: boolean },
  out: (s: string) => void,
): Promise<number> {
  const tty = !!process.stdout.isTTY;
  const width = Math.max(40, Math.min(100, (tty ? process.stdout.columns : undefined) ?? 100));
  if (!topic) {
    out(p.helpInformation());
    const w = Math.max(...HELP_TOPICS.map((t) => t.name.length));
    out(
      `\nHelp topics (lbg help <topic>):\n${HELP_TOPICS.map((t) => `  ${t.name.padEnd(w)}  ${t.summary}`).join("\n")}\n`,
    );
    return 0;
  }
  const t = HELP_TOPICS.find((x) => x.name === topic || x.aliases.includes(topic));
  if (t) {
    out(
      o.markdown
        ? t.markdown
        : renderMarkdown(t.markdown, { width, color: tty && !process.env.NO_COLOR && process.env.TERM !== "dumb" }),
    );
    return 0;
  }
  const cmd = p.commands.find((c) => c.name() === topic || c.aliases().includes(topic));
  if (cmd && cmd.name() !== "__list") {
    out(cmd.helpInformation());
    return 0;
  }
  const names = [...HELP_TOPICS.map((x) => x.name), ...p.commands.map((c) => c.name()).filter((n) => n !== "__list")];
  throw new LbgError(
    `lbg help ${topic}: no such topic or command`,
    { file: "help" },
    suggest(topic, names, "topics and commands"),
  );
}
