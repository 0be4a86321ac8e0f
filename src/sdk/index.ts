// Public surface for stage authors: `import { Stage } from "../src/sdk/index.ts"`.
export { Stage, FILE_TYPES, OptionError } from "./stage.ts";
export type { FileType, OptionProblem, OptionSpec, OptionType, StageContext, StageClass } from "./stage.ts";
