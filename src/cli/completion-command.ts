// `lbg completion bash|zsh|fish`: a completion script made from the program's own command table (commands,
// their options, which options take a value, what each positional argument is), so it never goes out of
// date. What depends on the project — run names, a run's stage names, stage classes, sites, help topics — the
// script asks lbg for while the user types, with the hidden `lbg __list <what> [run]`: names only, one per
// line, nothing at all on any error (a completion must never print a message into the command line).
import { join } from "node:path";
import type { Command } from "commander";
import type { Warn } from "../config/check-value.ts";
import { loadCeciPipeline } from "../config/load-ceci-pipeline.ts";
import { isRunName, listNames, loadRun } from "../config/load-run.ts";
import { LbgError } from "../errors/lbg-error.ts";
import { findRoot } from "../project/find-root.ts";
import { resolveRunRef } from "../project/run-ref.ts";
import { helpTopicNames } from "./help-topics.ts";

/** What a positional argument or an option's value is, for completion. */
type Kind = "run" | "stage" | "class" | "site" | "topic" | "shell" | "list" | "newkind" | "file" | "none";

interface CmdModel {
  name: string;
  description: string;
  /** Every option spelling (long and short). */
  options: { flags: string[]; takesValue: boolean; valueKind: Kind; description: string }[];
  /** Kinds of the positional arguments in order; the last one repeats when variadic. */
  args: Kind[];
  variadic: boolean;
}

/** A positional argument's kind from its name in the command table (`<run>`, `[stages...]`). */
function argKind(cmd: string, arg: string): Kind {
  if (arg === "run") return "run";
  if (arg === "stage" || arg === "stages") return cmd === "describe" ? "class" : "stage";
  if (arg === "shell") return "shell";
  if (arg === "topic") return "topic";
  if (arg === "what") return "list";
  if (arg === "kind") return "newkind";
  if (arg === "file" || arg === "dir") return "file";
  return "none";
}

/** An option value's kind from its long name. */
function valueKind(long: string | undefined): Kind {
  switch (long) {
    case "--site":
      return "site";
    case "--diff":
      return "run";
    case "--force":
      return "stage";
    case "--pipeline":
    case "--output":
      return "file";
    default:
      return "none";
  }
}

/** Fixed words for a kind (the others come from `lbg __list`). */
const FIXED: Partial<Record<Kind, string[]>> = {
  shell: ["bash", "zsh", "fish"],
  list: ["runs", "pipelines", "stages"],
  newkind: ["stage"],
};
const OPTION_WORDS: Record<string, string[]> = {
  "--format": ["dot", "mermaid"],
  "--launcher": ["local", "slurm"],
};

export function commandModel(p: Command): CmdModel[] {
  return p.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden && c.name() !== "__list")
    .map((c) => ({
      name: c.name(),
      description: c.description().split("\n")[0] ?? "",
      options: [
        ...c.options.map((o) => ({
          flags: [o.long, o.short].filter((f): f is string => !!f),
          takesValue: o.required,
          valueKind: valueKind(o.long),
          description: o.description,
        })),
        { flags: ["--help", "-h"], takesValue: false, valueKind: "none" as Kind, description: "show help" },
      ],
      args: c.registeredArguments.map((a) => argKind(c.name(), a.name())),
      variadic: c.registeredArguments.at(-1)?.variadic ?? false,
    }));
}

const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** The candidates of a kind, as a shell expression run at completion time. `$lbg` is the command typed,
 *  `$run` the run argument already on the line. */
function candidates(kind: Kind, sh: "posix" | "fish"): string {
  const fixed = FIXED[kind];
  if (fixed) return sh === "fish" ? `printf '%s\\n' ${fixed.join(" ")}` : `echo ${fixed.join(" ")}`;
  const call = (what: string, withRun = false) =>
    sh === "fish"
      ? `$lbg __list ${what}${withRun ? " $run" : ""} 2>/dev/null`
      : `"$lbg" __list ${what}${withRun ? ' "$run"' : ""} 2>/dev/null`;
  switch (kind) {
    case "run":
      return call("runs");
    case "stage":
      return call("stages", true);
    case "class":
      return call("classes");
    case "site":
      return call("sites");
    case "topic":
      return call("topics");
    default:
      return "";
  }
}

/** The `case` arms (the same in bash and zsh) giving the kind of value each option takes (run, stage, …),
 *  once per flag. */
function optionKindCases(model: CmdModel[]): string {
  return model
    .flatMap((c) => c.options)
    .filter((o) => o.valueKind !== "none" && o.valueKind !== "file" && o.flags[0])
    .map((o) => [o.flags[0]!, o.valueKind] as const)
    .filter(([f], i, a) => a.findIndex(([g]) => g === f) === i)
    .map(([f, k]) => `    ${f}) kind=${k} ;;`)
    .join("\n");
}

function bashScript(model: CmdModel[]): string {
  const cases = model
    .map((c) => {
      const opts = c.options.flatMap((o) => o.flags).join(" ");
      const valopts = c.options.filter((o) => o.takesValue).flatMap((o) => o.flags);
      return `    ${c.name}) opts=${q(opts)}; valopts=${q(` ${valopts.join(" ")} `)}; kinds=(${c.args.join(" ")}); variadic=${c.variadic ? 1 : 0} ;;`;
    })
    .join("\n");
  const kindCases = (["run", "stage", "class", "site", "topic", "shell", "list", "newkind"] as Kind[])
    .map((k) => `    ${k}) words=$(${candidates(k, "posix")}) ;;`)
    .join("\n");
  const optWords = Object.entries(OPTION_WORDS)
    .map(([o, w]) => `    ${o}) words=${q(w.join(" "))}; kind=words ;;`)
    .join("\n");
  const optKinds = optionKindCases(model);
  return `# bash completion for lbg (made by \`lbg completion bash\` from lbg's own command table).
# Install: lbg completion bash > ~/.local/share/bash-completion/completions/lbg, or source it from ~/.bashrc.
_lbg() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local lbg=\${COMP_WORDS[0]} cmd="" run="" opts="" valopts="" variadic=0 words="" kind="" i w
  local -a kinds=() args=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ -z $cmd ]]; then
      [[ $w != -* ]] && cmd=$w
      continue
    fi
    if [[ $w == -* ]]; then
      _lbg_cmd "$cmd"
      [[ $valopts == *" $w "* ]] && ((i++))
      continue
    fi
    args+=("$w")
  done
  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W ${q(`${model.map((c) => c.name).join(" ")} --help --version`)} -- "$cur"))
    return
  fi
  _lbg_cmd "$cmd" || return
  [[ \${kinds[0]} == run ]] && run=\${args[0]}
  if [[ $valopts == *" $prev "* ]]; then
    case $prev in
${optWords}
${optKinds}
    *) return ;; # a file or a free value: the shell's default completion
    esac
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  else
    local n=\${#args[@]}
    if ((n < \${#kinds[@]})); then kind=\${kinds[n]}
    elif ((variadic && \${#kinds[@]} > 0)); then kind=\${kinds[\${#kinds[@]}-1]}
    fi
    [[ $prev == --force ]] && kind=stage
  fi
  case $kind in
    words) ;;
${kindCases}
    *) return ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_lbg_cmd() {
  case $1 in
${cases}
    *) return 1 ;;
  esac
}
complete -o bashdefault -o default -F _lbg lbg
`;
}

function zshScript(model: CmdModel[]): string {
  const cmds = model.map((c) => q(`${c.name}:${c.description.replaceAll(":", "\\:")}`)).join(" ");
  const cases = model
    .map((c) => {
      const opts = c.options.flatMap((o) => o.flags).join(" ");
      const valopts = c.options.filter((o) => o.takesValue).flatMap((o) => o.flags);
      return `    ${c.name}) opts=(${opts}); valopts=(${valopts.join(" ")}); kinds=(${c.args.join(" ")}); variadic=${c.variadic ? 1 : 0} ;;`;
    })
    .join("\n");
  const kindCases = (["run", "stage", "class", "site", "topic", "shell", "list", "newkind"] as Kind[])
    .map((k) => `    ${k}) cands=(\${(f)"$(${candidates(k, "posix").replace(/^echo /, "print -l ")})"}) ;;`)
    .join("\n");
  const optWords = Object.entries(OPTION_WORDS)
    .map(([o, w]) => `    ${o}) cands=(${w.join(" ")}); kind=words ;;`)
    .join("\n");
  const optKinds = optionKindCases(model);
  return `#compdef lbg
# zsh completion for lbg (made by \`lbg completion zsh\`).
# Install: lbg completion zsh > ~/.zfunc/_lbg, with fpath+=(~/.zfunc) before compinit in ~/.zshrc.
_lbg_cmd() {
  case $1 in
${cases}
    *) return 1 ;;
  esac
}
_lbg() {
  local lbg=$words[1] cmd="" run="" variadic=0 kind="" i w
  local -a opts valopts kinds args cands
  local cur=$words[CURRENT] prev=$words[CURRENT-1]
  for ((i = 2; i < CURRENT; i++)); do
    w=$words[i]
    if [[ -z $cmd ]]; then
      [[ $w != -* ]] && cmd=$w
      continue
    fi
    if [[ $w == -* ]]; then
      _lbg_cmd $cmd
      (( \${valopts[(Ie)$w]} )) && ((i++))
      continue
    fi
    args+=($w)
  done
  if [[ -z $cmd ]]; then
    local -a cmds=(${cmds})
    _describe -t commands 'lbg command' cmds
    return
  fi
  _lbg_cmd $cmd || return
  [[ $kinds[1] == run ]] && run=$args[1]
  if (( \${valopts[(Ie)$prev]} )); then
    case $prev in
${optWords}
${optKinds}
    *) _files; return ;;
    esac
  elif [[ $cur == -* ]]; then
    compadd -a opts
    return
  else
    local n=$(( \${#args} + 1 ))
    if (( n <= \${#kinds} )); then kind=$kinds[n]
    elif (( variadic && \${#kinds} > 0 )); then kind=$kinds[-1]
    fi
    [[ $prev == --force ]] && kind=stage
  fi
  case $kind in
    words) ;;
${kindCases}
    *) _files; return ;;
  esac
  compadd -a cands
  [[ $kind == run ]] && _files -g '*.y(a|)ml'
}
compdef _lbg lbg
`;
}

function fishScript(model: CmdModel[]): string {
  const lines = [
    "# fish completion for lbg (made by `lbg completion fish`).",
    "# Install: lbg completion fish > ~/.config/fish/completions/lbg.fish",
    "complete -c lbg -f",
    ...model.map((c) => `complete -c lbg -n __fish_use_subcommand -a ${c.name} -d ${q(c.description.slice(0, 80))}`),
  ];
  for (const c of model)
    for (const o of c.options) {
      if (o.flags[0] === "--help") continue;
      const long = o.flags.find((f) => f.startsWith("--"))?.slice(2);
      const short = o.flags.find((f) => /^-[^-]/.test(f))?.slice(1);
      const words = OPTION_WORDS[`--${long}`];
      const value = !o.takesValue
        ? ""
        : words
          ? ` -x -a ${q(words.join(" "))}`
          : o.valueKind === "file"
            ? " -r -F"
            : o.valueKind !== "none"
              ? ` -x -a "(__lbg_words ${o.valueKind})"`
              : " -x";
      lines.push(
        `complete -c lbg -n '__fish_seen_subcommand_from ${c.name}'${long ? ` -l ${long}` : ""}${short ? ` -s ${short}` : ""}${value} -d ${q(o.description.slice(0, 80))}`,
      );
    }
  const cases = model
    .map(
      (c) =>
        `    case ${c.name}\n      set valopts ${c.options
          .filter((o) => o.takesValue)
          .flatMap((o) => o.flags)
          .join(" ")}\n      set kinds ${c.args.join(" ")}\n      set variadic ${c.variadic ? 1 : 0}`,
    )
    .join("\n");
  const kindCases = (["run", "stage", "class", "site", "topic", "shell", "list", "newkind"] as Kind[])
    .map((k) => `    case ${k}\n      ${candidates(k, "fish")}`)
    .join("\n");
  lines.push(
    `
# The words of a kind; $run is the run already on the command line (for its stage names).
function __lbg_words
  set -l lbg (commandline -opc)[1]
  set -l run (__lbg_run)
  switch $argv[1]
${kindCases}
  end
end

# Which positional argument is being typed: prints its kind (run, stage, ...), or nothing.
function __lbg_state --argument-names want
  set -l tokens (commandline -opc)
  set -l cmd ""
  set -l args
  set -l valopts
  set -l kinds
  set -l variadic 0
  set -l skip 0
  for w in $tokens[2..-1]
    if test $skip = 1
      set skip 0
      continue
    end
    if test -z "$cmd"
      if not string match -q -- '-*' $w
        set cmd $w
        switch $cmd
${cases.replaceAll("\n", "\n    ")}
        end
      end
      continue
    end
    if string match -q -- '-*' $w
      contains -- $w $valopts; and set skip 1
      continue
    end
    set -a args $w
  end
  if test "$want" = run
    test "$kinds[1]" = run; and echo $args[1]
    return
  end
  set -l n (math (count $args) + 1)
  if test $n -le (count $kinds)
    echo $kinds[$n]
  else if test $variadic = 1 -a (count $kinds) -gt 0
    echo $kinds[-1]
  end
end
function __lbg_run
  __lbg_state run
end
function __lbg_args
  set -l kind (__lbg_state kind)
  test (commandline -opc)[-1] = --force; and set kind stage
  test -n "$kind"; and __lbg_words $kind
  test "$kind" = run; and __fish_complete_suffix .yaml .yml
end
complete -c lbg -n 'not __fish_use_subcommand; and not string match -q -- "-*" (commandline -ct)' -a '(__lbg_args)'
`,
  );
  return `${lines.join("\n")}\n`;
}

export async function completionCommand(p: Command, shell: string, out: (s: string) => void): Promise<number> {
  const model = commandModel(p);
  if (shell === "bash") out(bashScript(model));
  else if (shell === "zsh") out(zshScript(model));
  else if (shell === "fish") out(fishScript(model));
  else throw new LbgError(`lbg completion ${shell}: expected bash, zsh or fish`, { file: "completion" });
  return 0;
}

/** `lbg __list <what> [run]`: names for completion. Errors print nothing (exit 0). */
export async function listForCompletion(
  _p: Command,
  what: string,
  runArg: string | undefined,
  out: (s: string) => void,
): Promise<number> {
  try {
    if (what === "topics") {
      for (const t of helpTopicNames()) out(`${t}\n`);
      for (const c of commandModel(_p)) out(`${c.name}\n`);
      return 0;
    }
    const root = findRoot();
    // Runs as `lbg build` and `lbg list runs` take them (isRunName): a file named otherwise is not offered.
    if (what === "runs")
      for (const r of listNames(join(root, "configs", "runs"), "file").filter(isRunName)) out(`${r}\n`);
    else if (what === "sites") for (const s of listNames(join(root, "configs", "sites"), "file")) out(`${s}\n`);
    else if (what === "stages" && runArg) {
      const ref = resolveRunRef(runArg);
      const quiet: Warn = () => {};
      const run = ref.ceciFile
        ? loadCeciPipeline(ref.root, ref.ceciFile, ref.name, [], quiet)
        : loadRun({ root: ref.root, run: ref.name, warn: quiet });
      for (const s of run.stages) out(`${s.name}\n`);
    } else if (what === "classes") {
      // The classes `lbg describe` knows: from lbg's stage cache, so only a first call bundles anything.
      const { listCommand } = await import("./catalog-commands.ts");
      let text = "";
      await listCommand(
        root,
        "stages",
        (s) => (text += s),
        () => {},
      );
      for (const line of text.split("\n")) if (line.trim()) out(`${line.split(/\s+/)[0]}\n`);
    }
  } catch {
    /* not in a project, a run that does not load: no candidates */
  }
  return 0;
}
