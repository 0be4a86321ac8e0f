// A ceci pipeline file is read as ceci reads it: its text rendered as a Jinja2 template, then parsed as YAML.
import { readFileSync } from "node:fs";
import { renderTemplate } from "./render-template.ts";
import { parseTemplateParams } from "./template-params.ts";
import { YamlFile } from "./yaml-file.ts";

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a ceci pipeline file: renders it with its template parameters (`-t`), then parses the text as YAML.
 * Positions in later errors are lines of the rendered text, which are the file's own lines unless a template
 * tag adds or removes line breaks (a loop, `{%- -%}`).
 */
export function readCeciPipelineFile(path: string, templateParams: readonly string[]): YamlFile {
  let text: string;
  try {
    text = UTF8.decode(readFileSync(path));
  } catch {
    return YamlFile.read(path, "ceci pipeline file"); // says why it cannot be read, or where it is not UTF-8
  }
  return YamlFile.parse(path, renderTemplate(path, text, parseTemplateParams(templateParams)));
}
