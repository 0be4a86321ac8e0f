// Public surface for stage authors: `import { Stage, type StageContext } from "#lbg/sdk"` (package.json
// `imports`; the catalog functions are `#lbg/catalog`).
export { Stage, FILE_TYPES, OptionError } from "./stage.ts";
export type {
  CheckedDeclarations,
  ConfigOf,
  FileType,
  OptionProblem,
  OptionSpec,
  OptionSpecs,
  OptionType,
  OptionValue,
  StageClass,
  StageContext,
  StageDeclarations,
  TagPaths,
  TagTypes,
} from "./stage.ts";
