// Lambda's environment variables for one function, and the host variables a user lets through; shared by every runner.
import { randomBytes } from 'node:crypto';
import type { FunctionSpec } from '../core/model.js';

export interface LambdaEnvOptions {
  region: string;
  /** Host variables a function may see: none by default; a list of names, or true for all. */
  hostEnv?: readonly string[] | boolean;
  /** The host's environment (default process.env); only PATH and what `hostEnv` allows are read. */
  env?: Record<string, string | undefined>;
}

const UTC_LOG_STREAM = () => {
  const d = new Date();
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${date}/[$LATEST]${randomBytes(16).toString('hex')}`;
};

/** Host variables a function is allowed to see. */
function hostVariables(options: LambdaEnvOptions): Record<string, string> {
  const env = options.env ?? process.env;
  const out: Record<string, string> = {};
  const names = options.hostEnv === true ? Object.keys(env) : options.hostEnv || [];
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Lambda's environment for one function (spec/sam.md §5.1), then the host variables the user allowed,
 * then the function's own variables (template, then --env-vars file). PATH is the host's so that
 * interpreters and tools resolve; nothing else of the host leaks in.
 */
export function lambdaEnvironment(fn: FunctionSpec, codeDir: string, runtimeDir: string, options: LambdaEnvOptions): Record<string, string> {
  const host = options.env ?? process.env;
  const env: Record<string, string> = {
    PATH: host.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_SAM_LOCAL: 'true',
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_ACCESS_KEY_ID: 'defaultkey',
    AWS_SECRET_ACCESS_KEY: 'defaultsecret',
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logging?.logGroup ?? `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: UTC_LOG_STREAM(),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime ?? 'provided'}`,
    LAMBDA_TASK_ROOT: codeDir,
    LAMBDA_RUNTIME_DIR: runtimeDir,
  };
  if (fn.handler) env._HANDLER = fn.handler;
  if (fn.logging?.logFormat) env.AWS_LAMBDA_LOG_FORMAT = fn.logging.logFormat.toUpperCase();
  if (fn.logging?.applicationLogLevel) env.AWS_LAMBDA_LOG_LEVEL = fn.logging.applicationLogLevel;
  return { ...env, ...hostVariables(options), ...fn.environment };
}
