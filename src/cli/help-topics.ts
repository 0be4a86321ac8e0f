// The topics of `lbg help <topic>`: Markdown files in docs/help/, bundled into lbg as text (esbuild's "text"
// loader in src/bin/lbg.mjs, a plugin under vitest; types in src/cli/markdown-text.d.ts).
import ceci from "../../docs/help/ceci.md";
import pipelines from "../../docs/help/pipelines.md";
import projects from "../../docs/help/projects.md";
import runs from "../../docs/help/runs.md";
import sites from "../../docs/help/sites.md";
import stageConfig from "../../docs/help/stage-config.md";
import stages from "../../docs/help/stages.md";

export interface HelpTopic {
  name: string;
  /** Other names that find it (`lbg help run`, `lbg help config`). */
  aliases: string[];
  summary: string;
  markdown: string;
}

export const HELP_TOPICS: HelpTopic[] = [
  { name: "runs", aliases: ["run", "run-files"], summary: "run files: configs/runs/<run>.yaml", markdown: runs },
  {
    name: "pipelines",
    aliases: ["pipeline", "pipeline-files"],
    summary: "pipeline files: configs/pipelines/<name>/pipeline.yaml, stage entries, aliases",
    markdown: pipelines,
  },
  {
    name: "stage-config",
    aliases: ["config", "options", "stage-options"],
    summary: "stage options: config.yaml sections, global:, --set, precedence",
    markdown: stageConfig,
  },
  { name: "sites", aliases: ["site"], summary: "site files: configs/sites/<site>.yaml, slots, Slurm", markdown: sites },
  {
    name: "ceci",
    aliases: ["ceci-files", "ceci-pipelines"],
    summary: "ceci pipeline files: key=value overrides, -t templates, to/from",
    markdown: ceci,
  },
  {
    name: "stages",
    aliases: ["stage", "sdk", "writing-stages"],
    summary: "writing a TypeScript stage with #lbg/sdk",
    markdown: stages,
  },
  {
    name: "projects",
    aliases: ["project", "init"],
    summary: "a project's folders, lbg init, how a project depends on lbg",
    markdown: projects,
  },
];

export function helpTopicNames(): string[] {
  return HELP_TOPICS.map((t) => t.name);
}
