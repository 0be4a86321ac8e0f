// Typed access to @huggingface/jinja, the Jinja2 renderer of ceci templates (see render-template.ts).
import * as jinja from "@huggingface/jinja";

// The library's .d.ts files import each other without file extensions, which NodeNext resolution does not
// follow: its types are declared here, for the parts lbg uses.
/** A runtime value (StringValue, ArrayValue, ...). */
export interface Value {
  type: string;
  value: unknown;
  toString(): string;
}
/** A node of the syntax tree. */
export type Node = { type: string } & Record<string, unknown>;
export interface Environment {
  set(name: string, value: unknown): unknown;
}
export interface Program {
  body: Node[];
}
interface InterpreterInstance {
  run(program: Program): Value;
  evaluate(node: Node | undefined, env: Environment): Value;
}
export const { Environment, Interpreter, parse, tokenize } = jinja as unknown as {
  Environment: new () => Environment;
  Interpreter: new (env?: Environment) => InterpreterInstance;
  parse(tokens: unknown): Program;
  tokenize(source: string, options: object): unknown;
};

// The library's value classes are not exported; its StringValue is taken from a rendered result.
export const StringValue = new Interpreter().run(parse(tokenize("", {}))).constructor as new (s: string) => Value;
