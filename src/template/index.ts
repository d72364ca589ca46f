// The template reader's public surface: read a SAM / CloudFormation template into functions, APIs and routes.

/** Reads, resolves and checks a template file (plus `--env-vars`), giving the normalized model. */
export { readTemplate, readTemplateSync, parseTemplate, PSEUDO_DEFAULTS, type ParseTemplateOptions } from './read.js';
/** Parses the `--parameter-overrides` flag (`K=V …` or `ParameterKey=K,ParameterValue=V …`). */
export { parseParameterOverrides } from './parameters.js';
/** Parses an `--env-vars` file's text and applies it to functions. */
export { parseEnvVars, applyEnvVars, type EnvVarsOverrides } from './env-vars.js';
/** The text table `emulate validate` prints. */
export { formatTemplateSummary } from './summary.js';
/** Several template errors thrown at once (each one is in `errors`). */
export { TemplateErrors } from './diagnostics.js';
/** Lambda's defaults for properties a template leaves out. */
export { FUNCTION_DEFAULTS } from './functions.js';
export type {
  ApiKind, ApiSpec, Architecture, CorsSpec, FunctionCode, FunctionSpec, FunctionUrlSpec, ImageBuild, ImageConfig,
  LayerSpec, LoggingSpec, PackageType, PayloadFormatVersion, ReadTemplateOptions, RouteSpec, TemplateModel,
} from './types.js';
