// The everyday commands beside build: init, new stage, logs, completion, help <topic>, and the hidden
// `__list` that shell completion calls. Registered on the program by main.ts; each implementation is its own
// module, imported only when its command runs.
import { type Command, Option } from "commander";

type Out = (s: string) => void;

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addEverydayCommands(p: Command, setCode: (c: number) => void, out: Out, err: Out): void {
  p.command("init [dir]")
    .description("create a new lbg project (an example run, two stages, a test) and npm install it")
    .option("--force", "also in a folder that is not empty: add the missing files (never overwrites one)")
    .option("--no-install", "do not run npm install")
    .action(async (dir: string | undefined, o: { force?: boolean; install?: boolean }) =>
      setCode(await (await import("./init-command.ts")).initCommand(dir, o, out, err)),
    );

  p.command("new <kind> <name>")
    .description("lbg new stage <Name>: write lbg_stages/<name>.ts from the typed SDK and print its pipeline entry")
    .option("--input <tag:type>", "an input (repeatable), e.g. --input catalog:hdf5", collect)
    .option("--output <tag:type>", "an output (repeatable), e.g. --output summary:yml", collect)
    .option("--option <name:type=default>", "a config option (repeatable), e.g. --option n_bins:int=10", collect)
    .option("--metrics <tag>", "mark a yml output as metrics (repeatable)", collect)
    .option("--doc <text>", "one line saying what the stage does")
    .action(
      async (
        kind: string,
        name: string,
        o: { input?: string[]; output?: string[]; option?: string[]; metrics?: string[]; doc?: string },
      ) => setCode(await (await import("./new-stage-command.ts")).newCommand(kind, name, o, out)),
    );

  p.command("logs <run> <stage>")
    .description("print a stage's last log (from the run's log_dir); -f: follow it while the stage runs")
    .option("-f, --follow", "keep printing what the stage writes, until it ends (or Ctrl-C)")
    .option("-n, --lines <n>", "only the last n lines")
    .option("-t, --template-parameters [key=value...]", "template parameters of a ceci pipeline file")
    .action(
      async (
        run: string,
        stage: string,
        o: { follow?: boolean; lines?: string; templateParameters?: string[] | boolean },
      ) => setCode(await (await import("./logs-command.ts")).logsCommand(run, stage, o, out, err)),
    );

  p.command("completion <shell>")
    .description("print a completion script for bash, zsh or fish (commands, options, run and stage names)")
    .addHelpText(
      "after",
      "\nInstall:\n  bash: lbg completion bash > ~/.local/share/bash-completion/completions/lbg\n  zsh:  lbg completion zsh > ~/.zfunc/_lbg   (with fpath+=(~/.zfunc) before compinit)\n  fish: lbg completion fish > ~/.config/fish/completions/lbg.fish",
    )
    .action(async (shell: string) =>
      setCode(await (await import("./completion-command.ts")).completionCommand(p, shell, out)),
    );

  // What completion asks for while the user types: names only, one per line, never an error message.
  p.command("__list <what> [run]", { hidden: true }).action(async (what: string, run: string | undefined) =>
    setCode(await (await import("./completion-command.ts")).listForCompletion(p, what, run, out)),
  );

  p.addHelpText(
    "after",
    "\nConfig formats: lbg help runs | pipelines | stage-config | sites | ceci | stages | projects.\nNew project: lbg init <dir>; new stage: lbg new stage <Name>; shell completion: lbg completion bash|zsh|fish.",
  );

  // `lbg help` lists the topics (the config formats) and the commands; `lbg help <command>` is its --help.
  p.helpCommand(false);
  p.command("help [topic]")
    .description("lbg help <topic>: the config formats (run files, pipelines, stage config, sites, ceci files)")
    .addOption(new Option("--markdown", "print the topic's Markdown source"))
    .action(async (topic: string | undefined, o: { markdown?: boolean }) =>
      setCode(await (await import("./help-command.ts")).helpCommand(p, topic, o, out)),
    );
}
