// Table-driven bad input: every malformed project or command line must give exit code 2 and one line on
// stderr that names the file and line (or the flag), with no stack trace and nothing half-built.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, TempProject } from "../helpers/temp-project.ts";

const RUN = "configs/runs/numbers.yaml";
const PIPE = "configs/pipelines/numbers/pipeline.yaml";
const CFG = "configs/pipelines/numbers/config.yaml";

interface Case {
  name: string;
  /** Files to overwrite (path → content), or edits (path → [from, to]). */
  files?: Record<string, string | [string, string]>;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run before lbg, for what files cannot express (a FIFO, permissions). */
  setup?: (p: TempProject) => void;
  /** Run lbg as `nobody` when the tests run as root (root reads files whatever their mode). */
  asNobody?: boolean;
  /** The one error line must match this (location and words). */
  expect: RegExp;
}

/** A single-file ceci pipeline over the mini project's TypeScript stages. */
const CECI = `modules: lbg_stages
config: configs/pipelines/numbers/config.yaml
output_dir: ceci-out
log_dir: ceci-out/logs
inputs:
  notes: data/notes.txt
stages:
  - name: MakeNumbers
  - name: SumNumbers
`;

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

const stage = (name: string, body: string) =>
  `import { Stage } from "../src/sdk/index.ts";\nexport default class ${name} extends Stage {\n${body}\n  run() {}\n}\n`;

const CASES: Case[] = [
  {
    name: "YAML syntax error in the run file",
    files: { [RUN]: "resume: True\npipelines: [numbers\noutput_dir: x\n" },
    expect: /configs\/runs\/numbers\.yaml:2:12: YAML syntax error: this '\[' is never closed/,
  },
  {
    name: "YAML syntax error in a pipeline file",
    files: { [PIPE]: "modules: lbg_stages\nstages:\n  - name: A\n   - name: B\n" },
    expect: /pipeline\.yaml:\d+:\d+: YAML syntax error/,
  },
  {
    name: "YAML syntax error in the stage config",
    files: { [CFG]: "MakeNumbers:\n  n: [1, 2\n" },
    expect: /config\.yaml:2:6: YAML syntax error: this '\[' is never closed/,
  },
  {
    name: "an unclosed flow list is named at its opening line, not where the parser gave up",
    files: { [CFG]: "# options\n\nglobal:\n  fail: false\n  seed: [7\n\nMakeNumbers:\n  n: 10\n" },
    expect:
      /^lbg: error: configs\/pipelines\/numbers\/config\.yaml:5:9: YAML syntax error: this '\[' is never closed \(a flow sequence needs its '\]'\) \(hint: close it on the same line, or use a block list\/mapping\)$/,
  },
  {
    name: "an unclosed quote is named at its opening",
    files: { [CFG]: 'MakeNumbers:\n  label: "ten\n  n: 10\n' },
    expect: /config\.yaml:2:10: YAML syntax error: this " quote is never closed/,
  },
  {
    // lbg's own files refuse a repeated key (a stage config keeps the last, as PyYAML: see ceci-yaml.test.ts).
    name: "duplicate key in the run file",
    files: { [RUN]: ["resume: True\n", "resume: True\ninputs: {}\nresume: False\n"] },
    expect: /numbers\.yaml:3:1: duplicate key 'resume' \(first at line 1\)/,
  },
  {
    name: "a pipeline listed twice in the run file",
    files: { [RUN]: ["pipelines: numbers", "pipelines: [numbers, numbers]"] },
    expect: /numbers\.yaml:2:22: pipeline 'numbers' is listed twice in 'pipelines' \(entries 1 and 2\)/,
  },
  {
    name: "flow nesting 2,000 deep",
    files: { [CFG]: `MakeNumbers:\n  n: 3\n  deep: ${"[".repeat(2000)}${"]".repeat(2000)}\n` },
    expect: /config\.yaml:3:\d+: YAML nested too deeply \(more than 500 levels/,
  },
  {
    name: "block nesting 2,000 deep",
    files: {
      [CFG]: `MakeNumbers:\n${Array.from({ length: 2000 }, (_, i) => `${" ".repeat(2 * i + 2)}k:\n`).join("")}`,
    },
    expect: /config\.yaml:\d+:\d+: YAML nested too deeply \(more than 500 levels/,
  },
  {
    name: "aliases nesting 2,000 deep",
    files: {
      [CFG]: `a: &a ${"[".repeat(400)}${"]".repeat(400)}\nb: &b ${"[".repeat(400)}*a${"]".repeat(400)}\nMakeNumbers: {n: 3}\n`,
    },
    expect: /config\.yaml:2:\d+: YAML nested too deeply .*through aliases/,
  },
  {
    name: "YAML merge key of a single value",
    files: { [CFG]: "n: &n 4\nMakeNumbers:\n  <<: *n\n" },
    expect: /config\.yaml:3:7: a merge key `<<` needs a mapping or a list of mappings/,
  },
  {
    name: "a second YAML document",
    files: { [CFG]: "MakeNumbers:\n  n: 1\n---\nSumNumbers: {}\n" },
    expect: /config\.yaml:3:1: a second YAML document/,
  },
  {
    name: "a list as a YAML key",
    files: { [CFG]: "MakeNumbers:\n  ? [a, b]\n  : 1\n" },
    expect: /config\.yaml:2:5: a YAML list or mapping cannot be a key/,
  },
  {
    name: "a YAML anchor defined twice",
    files: { [CFG]: "global: &g {fail: false}\nMakeNumbers: &g {n: 1}\n" },
    expect: /config\.yaml:2:14: YAML anchor &g is defined twice \(first at line 1\)/,
  },
  {
    name: "a YAML tag PyYAML's safe loader refuses",
    files: { [CFG]: "MakeNumbers:\n  n: !!python/int 3\n" },
    expect: /config\.yaml:2:6: YAML tag !!python\/int: PyYAML's safe loader .* has no constructor/,
  },
  {
    name: "an integer JavaScript cannot hold exactly",
    files: { [CFG]: "MakeNumbers:\n  n: 12345678901234567890\n" },
    expect: /config\.yaml:2:6: integer 12345678901234567890 is too large to keep exactly/,
  },
  {
    name: "a date that does not exist",
    files: { [CFG]: "MakeNumbers:\n  n: 2021-02-29\n" },
    expect: /config\.yaml:2:6: '2021-02-29' is not a valid date/,
  },
  {
    name: "unset variable in a ceci pipeline's input path",
    files: { "ceci.yml": CECI.replace("data/notes.txt", "$NOPE_UNSET/notes.txt") },
    args: ["build", "ceci.yml"],
    expect: /^lbg: error: ceci\.yml:6:10: environment variable \$NOPE_UNSET is not set/,
  },
  {
    name: "ceci override with a typo",
    files: { "ceci.yml": CECI },
    args: ["build", "ceci.yml", "reume=False"],
    expect: /^lbg: error: override 'reume=False': unknown pipeline key 'reume' \(hint: did you mean 'resume'\?\)/,
  },
  {
    name: "ceci override of an unknown site key",
    files: { "ceci.yml": CECI },
    args: ["build", "ceci.yml", "site.max_thread=4"],
    expect:
      /^lbg: error: override 'site\.max_thread=4': unknown key 'max_thread' in 'site'.*did you mean 'max_threads'/,
  },
  {
    name: "ceci override with a bad value names the override",
    files: { "ceci.yml": CECI },
    args: ["build", "ceci.yml", "resume=maybe"],
    expect: /^lbg: error: override 'resume=maybe': resume must be True, False, resume, restart or refuse/,
  },
  {
    name: "ceci override inside a value that is not a mapping",
    files: { "ceci.yml": CECI },
    args: ["build", "ceci.yml", "config.x=1"],
    expect: /^lbg: error: override 'config\.x=1': 'config' is not a mapping: give it whole \(config=\.\.\.\)/,
  },
  {
    name: "tab indentation",
    files: { [RUN]: "pipelines:\n\t- numbers\n" },
    expect: /numbers\.yaml:2:\d+: YAML syntax error/,
  },
  {
    name: "YAML anchor of a list that contains itself",
    files: { [RUN]: ["  notes: data/notes.txt", "  notes: &a [*a]"] },
    expect: /numbers\.yaml:6:14: YAML alias \*a refers to a value that contains it \(a cycle\)/,
  },
  {
    name: "YAML anchor of a mapping that contains itself",
    files: { [RUN]: ["inputs:\n  notes: data/notes.txt", "inputs: &a {notes: data/notes.txt, x: *a}"] },
    expect: /numbers\.yaml:5:\d+: YAML alias \*a refers to a value that contains it/,
  },
  {
    name: "--set value that contains itself",
    args: ["build", "numbers", "--set", "MakeNumbers.n=&a [*a]"],
    expect:
      /^lbg: error: --set MakeNumbers\.n=&a \[\*a\]: value is not valid YAML: alias \*a refers to a value that contains it/,
  },
  { name: "unknown run", args: ["build", "numbrs"], expect: /unknown run 'numbrs'.*did you mean 'numbers'/ },
  {
    name: "run name with a path",
    args: ["build", "../numbers"],
    expect: /no pipeline file \.\.\/numbers.*hint: give a run name/,
  },
  {
    name: "ceci override given to an lbg run",
    args: ["build", "numbers", "resume=True"],
    expect: /unexpected argument 'resume=True'.*--set/,
  },
  { name: "empty run file", files: { [RUN]: "" }, expect: /numbers\.yaml:1: run file is empty/ },
  {
    name: "run file is a list",
    files: { [RUN]: "- a\n- b\n" },
    expect: /numbers\.yaml:1:1: a run file must be a mapping/,
  },
  {
    name: "unknown pipeline",
    files: { [RUN]: ["pipelines: numbers", "pipelines: [numbers, numbrs]"] },
    expect: /numbers\.yaml:2:\d+: unknown pipeline 'numbrs'.*did you mean 'numbers'/,
  },
  {
    name: "pipelines is a number",
    files: { [RUN]: ["pipelines: numbers", "pipelines: 5"] },
    expect: /numbers\.yaml:2:12: 'pipelines' must be a string or a list/,
  },
  {
    name: "no pipelines",
    files: { [RUN]: ["pipelines: numbers", "pipelines: []"] },
    expect: /numbers\.yaml:2:\d+: the run names no pipelines/,
  },
  {
    name: "resume has a bad value",
    files: { [RUN]: ["resume: True", "resume: maybe"] },
    expect: /numbers\.yaml:1:9: resume must be True, False, resume, restart or refuse/,
  },
  {
    name: "output_dir is a list",
    files: { [RUN]: ["output_dir: results/<run>/outputs", "output_dir: [a, b]"] },
    expect: /numbers\.yaml:3:13: 'output_dir' must be a string/,
  },
  {
    name: "inputs is a list",
    files: { [RUN]: ["inputs:\n  notes: data/notes.txt", "inputs: [data/notes.txt]"] },
    expect: /numbers\.yaml:5:9: 'inputs' must be a mapping/,
  },
  {
    name: "unset environment variable",
    files: { [RUN]: ["output_dir: results/<run>/outputs", "output_dir: $LBG_TEST_UNSET_DIR/out"] },
    expect: /numbers\.yaml:3:13: environment variable \$LBG_TEST_UNSET_DIR is not set/,
  },
  {
    name: "missing input file",
    files: { [RUN]: ["data/notes.txt", "data/nope.txt"] },
    expect: /numbers\.yaml:6:10: input 'notes' \(needed by CountNotes\) does not exist/,
  },
  {
    name: "a FIFO as a run input (it would block lbg forever)",
    setup: (p) => execFileSync("mkfifo", [p.path("data/fifo")]),
    files: { [RUN]: ["data/notes.txt", "data/fifo"] },
    expect:
      /numbers\.yaml:6:10: input 'notes' \(needed by CountNotes\) is a FIFO \(named pipe\), not a file or a directory: data\/fifo/,
  },
  {
    name: "a device as a run input",
    files: { [RUN]: ["data/notes.txt", "/dev/null"] },
    expect:
      /numbers\.yaml:6:10: input 'notes' \(needed by CountNotes\) is a character device, not a file or a directory/,
  },
  {
    name: "an unreadable input file",
    setup: (p) => chmodSync(p.path("data/notes.txt"), 0o000),
    asNobody: true,
    expect:
      /numbers\.yaml:6:10: input 'notes' \(needed by CountNotes\) is not readable: permission denied: data\/notes\.txt/,
  },
  {
    name: "input is a directory where a file is needed",
    files: { [RUN]: ["data/notes.txt", "data"] },
    expect: /numbers\.yaml:6:10: input 'notes' is a directory but stage CountNotes reads it as a txt file/,
  },
  {
    name: "input nobody provides",
    files: { [RUN]: ["inputs:\n  notes: data/notes.txt", "inputs: {}"] },
    expect:
      /numbers\.yaml: input 'notes' is needed by stage CountNotes but no stage produces it.*hint: add 'notes: <path>'/,
  },
  {
    name: "tag both produced and a run input",
    files: { [RUN]: ["  notes: data/notes.txt", "  notes: data/notes.txt\n  total: data/notes.txt"] },
    expect: /numbers\.yaml:7:\d+: tag 'total' is both an output of stage 'SumNumbers' and a run input/,
  },
  {
    name: "pipeline without modules",
    files: { [PIPE]: ["modules: lbg_stages\n", ""] },
    expect: /pipeline\.yaml:1:1: pipeline has no 'modules'/,
  },
  {
    name: "stages is not a list",
    files: { [PIPE]: "modules: lbg_stages\nstages: MakeNumbers\n" },
    expect: /pipeline\.yaml:2:9: pipeline 'stages' must be a list/,
  },
  {
    name: "stage entry without a name",
    files: { [PIPE]: "modules: lbg_stages\nstages:\n  - classname: MakeNumbers\n" },
    expect: /pipeline\.yaml:3:\d+: stage 'name' must be a string, not empty/,
  },
  {
    name: "stage name with a slash",
    files: { [PIPE]: "modules: lbg_stages\nstages:\n  - name: a/b\n" },
    expect: /pipeline\.yaml:3:\d+: invalid stage name 'a\/b'/,
  },
  {
    name: "stage defined twice",
    files: { [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n  - name: SumNumbers\n"] },
    expect: /pipeline\.yaml:\d+:\d+: stage instance 'SumNumbers' is defined twice/,
  },
  {
    name: "unknown stage class",
    files: { [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n  - name: Extra\n    classname: SumNumberz\n"] },
    expect: /pipeline\.yaml:\d+:\d+: unknown stage class 'SumNumberz' for stage 'Extra'.*did you mean 'SumNumbers'/,
  },
  {
    name: "module_name does not match",
    files: { [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n    module_name: other_stages\n"] },
    expect:
      /pipeline\.yaml:\d+:\d+: (cannot import ceci|cannot run Python 'python3'|Python module 'other_stages' failed to import)/,
  },
  {
    name: "alias of a tag the class lacks, so an input is missing",
    files: { [PIPE]: ["      text: numbers\n", "      txt: numbers\n"] },
    expect:
      /input 'text' is needed by stage CountNumbers .*\(hint: stage CountNumbers has an alias of a tag its class lacks, which is ignored: 'txt: numbers' \(did you mean 'text'\?\)\)$/,
  },
  {
    name: "alias that escapes output_dir",
    files: { [PIPE]: ["      count: numbers_count\n", "      count: ../numbers_count\n"] },
    expect:
      /pipeline\.yaml:\d+:\d+: output tag '\.\.\/numbers_count' of stage 'CountNumbers' would write outside output_dir/,
  },
  {
    name: "two producers of one tag",
    files: { [PIPE]: ["      count: notes_count\n", "      count: numbers_count\n"] },
    expect: /pipeline\.yaml:\d+:\d+: tag 'numbers_count' is produced by two stages: 'CountNumbers' and 'CountNotes'/,
  },
  {
    name: "cycle",
    files: {
      [PIPE]: [
        "      text: notes\n      count: notes_count\n",
        "      text: loop_b\n      count: loop_a\n  - name: Loop\n    classname: CountLines\n    aliases:\n      text: loop_a\n      count: loop_b\n",
      ],
    },
    expect: /pipeline\.yaml:\d+:\d+: dependency cycle: (CountNotes → Loop → CountNotes|Loop → CountNotes → Loop)/,
  },
  {
    name: "two outputs with one file",
    files: { [CFG]: "MakeNumbers:\n  numbers: total.txt\n" },
    expect:
      /config\.yaml:2:12: output 'total' of stage 'SumNumbers' and output 'numbers' of stage 'MakeNumbers' are the same file: results\/numbers\/outputs\/total\.txt/,
  },
  {
    name: "an output inside another output",
    files: { [CFG]: "MakeNumbers:\n  numbers: numbers_count.txt/x.txt\n" },
    expect:
      /config\.yaml:2:12: output 'count' of stage 'CountNumbers' and output 'numbers' of stage 'MakeNumbers' overlap/,
  },
  {
    name: "an output on another's in-progress file",
    files: { [CFG]: "MakeNumbers:\n  numbers: inprogress_total.txt\n" },
    expect:
      /config\.yaml:2:12: the in-progress file of output 'total' of stage 'SumNumbers' and output 'numbers' of stage 'MakeNumbers' are the same file/,
  },
  {
    name: "output name that names a folder",
    files: { [CFG]: "MakeNumbers:\n  numbers: sub/\n" },
    expect: /config\.yaml:2:12: output name override 'numbers: sub\/' does not end in a file name/,
  },
  {
    name: "empty alias",
    files: { [PIPE]: ["      count: numbers_count\n", '      count: ""\n'] },
    expect: /pipeline\.yaml:10:14: alias of 'count' in stage 'CountNumbers' is empty/,
  },
  {
    name: "run input that is a stage's output file",
    files: { [RUN]: ["  notes: data/notes.txt", "  notes: results/numbers/outputs/total.txt"] },
    expect: /numbers\.yaml:6:10: run input 'notes' is the file of output 'total' of stage 'SumNumbers'/,
  },
  {
    name: "output_dir is the file system root",
    files: { [RUN]: ["output_dir: results/<run>/outputs", "output_dir: /"] },
    expect: /numbers\.yaml:3:13: output_dir \/ is the file system root/,
  },
  {
    name: "output_dir contains the project",
    files: { [RUN]: ["output_dir: results/<run>/outputs", "output_dir: .."] },
    expect: /numbers\.yaml:3:13: output_dir \S+ contains the project/,
  },
  {
    name: "log_dir inside .cache",
    files: { [RUN]: ["log_dir: results/<run>/logs", "log_dir: .cache/logs"] },
    expect: /numbers\.yaml:4:10: log_dir \.cache\/logs is inside lbg's \.cache/,
  },
  {
    name: "output name override with ..",
    files: { [CFG]: "MakeNumbers:\n  numbers: ../../escape.txt\n" },
    expect: /config\.yaml:2:12: output name override 'numbers: \.\.\/\.\.\/escape\.txt' would write outside output_dir/,
  },
  {
    name: "absolute output name override",
    files: { [CFG]: "MakeNumbers:\n  numbers: /tmp/escape.txt\n" },
    expect: /config\.yaml:2:12: output name override 'numbers: \/tmp\/escape\.txt' would write outside output_dir/,
  },
  {
    name: "option of the wrong type",
    files: { [CFG]: "MakeNumbers:\n  n: ten\n" },
    expect: /config\.yaml:2:6: option 'n' of stage 'MakeNumbers' must be an int, not "ten"/,
  },
  {
    name: "global option of the wrong type",
    files: { [CFG]: "global:\n  fail: sometimes\n" },
    expect: /config\.yaml:2:9: option 'fail' of stage 'SumNumbers' must be a bool/,
  },
  {
    name: "config section is not a mapping",
    files: { [CFG]: "MakeNumbers: 5\n" },
    expect: /config\.yaml:1:14: config section 'MakeNumbers' must be a mapping/,
  },
  {
    name: "required option missing",
    files: {
      "lbg_stages/needs.ts": stage(
        "Needs",
        '  static outputs = { needed: "txt" } as const;\n  static config = { level: { type: "int", doc: "how deep" } } as const;',
      ),
      [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n  - name: Needs\n"],
    },
    expect:
      /pipeline\.yaml:\d+:\d+: stage 'Needs' needs option 'level' \(int\) and no value is set.*hint: add 'level: \.\.\.' under 'Needs:'/,
  },
  {
    name: "stage config file not found",
    files: { [PIPE]: ["config: configs/pipelines/numbers/config.yaml", "config: configs/pipelines/numbers/nope.yaml"] },
    expect: /pipeline\.yaml:2:9: stage config file not found/,
  },
  {
    name: "nprocess is zero",
    files: { [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n    nprocess: 0\n"] },
    expect: /pipeline\.yaml:\d+:15: 'nprocess' must be a positive integer/,
  },
  {
    name: "stage file that does not compile",
    files: {
      "lbg_stages/broken.ts": "export default class Broken {\n  run( {\n}\n",
      [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n  - name: Broken\n"],
    },
    expect:
      /^lbg: error: lbg_stages\/broken\.ts:\d+:\d+: .* \(hint: class Broken, used by stage 'Broken' \(configs\/pipelines\/numbers\/pipeline\.yaml:\d+\), did not load from that file\)$/,
  },
  {
    name: "stage file that throws at import",
    files: {
      "lbg_stages/throws.ts": 'throw new Error("boom at import");\nexport {};\n',
      [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n  - name: Throws\n"],
    },
    expect: /^lbg: error: lbg_stages\/throws\.ts: failed to load: Error: boom at import/,
  },
  {
    name: "stage declaring an unknown file type",
    files: {
      "lbg_stages/weird.ts": stage("Weird", '  static outputs = { w: "csv" } as const;'),
      [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n  - name: Weird\n"],
    },
    expect:
      /^lbg: error: lbg_stages\/weird\.ts: class Weird, output 'w': unknown file type 'csv' \(file types: hdf5 fits txt yml png pkl pq directory\) \(hint: class Weird, used by stage 'Weird'/,
  },
  {
    name: "stage declaring file type yaml: the headline is the file type, with a did-you-mean",
    files: {
      "lbg_stages/summary.ts": stage("Summary", '  static outputs = { summary: "yaml" } as const;'),
      [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n  - name: Summary\n"],
    },
    expect:
      /^lbg: error: lbg_stages\/summary\.ts: class Summary, output 'summary': unknown file type 'yaml' \(did you mean yml\? file types: .*\) \(hint: class Summary, used by stage 'Summary' \(configs\/pipelines\/numbers\/pipeline\.yaml:\d+\), did not load from that file\)$/,
  },
  {
    name: "an input some stage makes under an alias: the hint is the aliases line",
    files: {
      "lbg_stages/reads_count.ts": stage("ReadsCount", '  static inputs = { count: "txt" } as const;'),
      [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n  - name: ReadsCount\n"],
    },
    expect:
      /^lbg: error: configs\/pipelines\/numbers\/pipeline\.yaml:\d+:\d+: input 'count' of stage ReadsCount is made by no stage under that name: CountNumbers makes it as 'numbers_count', CountNotes as 'notes_count' \(hint: to read one of them, add to the entry of ReadsCount: aliases: \{count: notes_count\}\)$/,
  },
  {
    name: "an input whose tag is one letter off a produced tag: did you mean, as an alias",
    files: {
      "lbg_stages/reads_totl.ts": stage("ReadsTotl", '  static inputs = { totl: "txt" } as const;'),
      [PIPE]: ["  - name: SumNumbers\n", "  - name: SumNumbers\n  - name: ReadsTotl\n"],
    },
    expect:
      /^lbg: error: configs\/pipelines\/numbers\/pipeline\.yaml:\d+:\d+: input 'totl' of stage ReadsTotl is made by no stage and the run does not list it \(hint: stage SumNumbers makes 'total': if that is the file, add to the entry of ReadsTotl: aliases: \{totl: total\}\)$/,
  },
  {
    name: "unknown site",
    args: ["build", "numbers", "--site", "nersk"],
    expect: /^lbg: error: --site: unknown site 'nersk': no configs\/sites\/nersk\.yaml/,
  },
  {
    name: "unknown site in the run file",
    files: { [RUN]: ["  notes: data/notes.txt\n", "  notes: data/notes.txt\nsite: nersk\n"] },
    expect: /^lbg: error: configs\/runs\/numbers\.yaml:7:7: unknown site 'nersk'/,
  },
  {
    name: "run file that is not UTF-8",
    setup: (p) =>
      writeFileSync(p.path(RUN), Buffer.from("resume: True\npipelines: numbers\n# caf\xe9 au lait\n", "latin1")),
    expect: /^lbg: error: configs\/runs\/numbers\.yaml:3:6: run file is not UTF-8 text/,
  },
  {
    name: "site with a bad max_threads",
    files: { "configs/sites/local.yaml": "site:\n  name: local\n  max_threads: -1\n" },
    expect: /sites\/local\.yaml:3:16: site max_threads must be a positive integer/,
  },
  {
    name: "bad --set syntax",
    args: ["build", "numbers", "--set", "MakeNumbers.n"],
    expect: /^lbg: error: --set MakeNumbers\.n: expected Stage\.option=value/,
  },
  {
    name: "--set of an unknown stage",
    args: ["build", "numbers", "--set", "MakeNumber.n=3"],
    expect: /^lbg: error: --set MakeNumber\.n=3: no stage instance 'MakeNumber'.*did you mean 'MakeNumbers'/,
  },
  {
    name: "--set of an unknown option",
    args: ["build", "numbers", "--set", "MakeNumbers.m=3"],
    expect: /^lbg: error: --set MakeNumbers\.m=3: stage 'MakeNumbers' \(class MakeNumbers\) has no option 'm'/,
  },
  {
    name: "--set with a value that is not YAML",
    args: ["build", "numbers", "--set", "MakeNumbers.n=[1"],
    expect: /^lbg: error: --set MakeNumbers\.n=\[1: value is not valid YAML/,
  },
  {
    name: "--set value of the wrong type",
    args: ["build", "numbers", "--set", "MakeNumbers.n=abc"],
    expect: /^lbg: error: --set MakeNumbers\.n=abc: option 'n' of stage 'MakeNumbers' must be an int/,
  },
  { name: "unknown flag", args: ["build", "numbers", "--frce"], expect: /unknown option '--frce'.*--force/ },
  {
    name: "missing run argument",
    args: ["build"],
    expect: /^lbg: error: lbg build needs a run: numbers \(hint: lbg build numbers \[target...\]\)$/,
  },
  { name: "unknown command", args: ["bild", "numbers"], expect: /unknown command 'bild'.*build/ },
  { name: "-j 0", args: ["build", "numbers", "-j", "0"], expect: /^lbg: error: -j 0: expected a positive integer/ },
  {
    name: "-j abc",
    args: ["build", "numbers", "-j", "abc"],
    expect: /^lbg: error: -j abc: expected a positive integer$/,
  },
  {
    name: "--force of an unknown stage",
    args: ["build", "numbers", "--force=Nope"],
    expect: /^lbg: error: --force-stage Nope: no stage 'Nope'/,
  },
  {
    name: "dag with an unknown format",
    args: ["dag", "numbers", "--format", "png"],
    expect: /^lbg: error: --format png: expected dot or mermaid/,
  },
  {
    name: "list of an unknown kind",
    args: ["list", "things"],
    expect: /^lbg: error: lbg list things: expected stages, pipelines or runs/,
  },
  {
    name: "describe an unknown stage",
    args: ["describe", "SumNumber"],
    expect: /unknown stage class 'SumNumber'.*did you mean 'SumNumbers'/,
  },
  { name: "outside a project", cwd: "/", expect: /not inside an lbg project/ },
];

describe("bad input: exit code 2 and one clear line", () => {
  let base: TempProject;
  beforeAll(() => {
    base = new TempProject("mini");
    // Warm the bundle and stage caches once so each case only pays for what it changes.
    expect(base.lbg(["build", "numbers", "-n"]).code).toBe(0);
  });
  afterAll(() => base.remove());

  for (const c of CASES) {
    it(c.name, () => {
      const p = new TempProject("mini");
      try {
        for (const [file, content] of Object.entries(c.files ?? {})) {
          if (Array.isArray(content)) {
            const text = p.read(file);
            expect(text, `${file} contains ${content[0]}`).toContain(content[0]);
            p.write(file, text.replace(content[0], content[1]));
          } else p.write(file, content);
        }
        if (c.cwd === "/") mkdirSync(p.path("empty"), { recursive: true });
        let prefix: string[] | undefined;
        if (c.asNobody && isRoot) {
          expect(p.lbg(["build", "numbers", "-n"]).code).toBe(0); // lbg's own caches, made as root
          execFileSync("chown", ["-R", `${NOBODY}:${NOBODY}`, p.dir]);
          prefix = ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"];
        }
        c.setup?.(p);
        const r = p.lbg(c.args ?? ["build", "numbers"], {
          env: { ...c.env, ...(prefix ? { HOME: "/tmp" } : {}) },
          cwd: c.cwd === "/" ? "/tmp" : undefined,
          timeout: 30_000,
          prefix,
        });
        expect(r.signal, "lbg hung and was killed").toBeNull();
        expect(r.stderr).not.toMatch(/\n\s+at /);
        const lines = r.stderr
          .trim()
          .split("\n")
          .filter((l) => !l.startsWith("warning:"));
        expect(lines, r.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^lbg: error: /);
        expect(lines[0]).toMatch(c.expect);
        expect(r.code, r.stderr).toBe(2);
        expect(p.exists("results/numbers/outputs/total.txt")).toBe(false);
      } finally {
        p.remove();
      }
    });
  }

  it("a class that only a Python module could define is reported cleanly", () => {
    const p = new TempProject("mini");
    try {
      p.write(
        PIPE,
        p
          .read(PIPE)
          .replace("modules: lbg_stages", "modules: >\n  lbg_stages\n  rail.creation.degraders.photometric_errors")
          .replace(
            "  - name: SumNumbers\n",
            "  - name: SumNumbers\n  - name: SmokeTestLsst\n    classname: LSSTErrorModel\n",
          ),
      );
      const r = p.lbg(["build", "numbers"]);
      expect(r.code).toBe(2);
      // Python modules are read by the interpreter; without ceci (or Python, or rail) that is the one error.
      expect(r.stderr.trim()).toMatch(
        /^lbg: error: configs\/pipelines\/numbers\/pipeline\.yaml:\d+:\d+: (cannot import ceci|cannot run Python 'python3'|Python module 'rail\.creation\.degraders\.photometric_errors' failed to import)/,
      );
    } finally {
      p.remove();
    }
  });

  it("covers at least 40 cases, as many as README's Guarantees table says", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    const claimed = /bad-input \((\d+) cases\)/.exec(readFileSync(join(REPO, "README.md"), "utf8"));
    expect(Number(claimed?.[1])).toBe(CASES.length);
  });
});
