export { type CliIo, runCli } from "./cli/run-cli.js";
export type { PostbusConfigFile, ResolvedConfig } from "./config/config.js";
export { CONFIG_FILE, loadConfig } from "./config/load-config.js";
export { emitTypesPackage } from "./emit/index.js";
export {
  createGenerateCache,
  diffFiles,
  type FileDiff,
  type GenerateCache,
  type GenerateOptions,
  type GenerateResult,
  generate,
  readGenerated,
} from "./generate.js";
export type {
  ContractModel,
  Diagnostic,
  EventContract,
  GeneratedFile,
  NormalizedSchema,
  SchemaDefinition,
  SourceLocation,
} from "./ir/model.js";
