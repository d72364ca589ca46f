// The emulator's options: one type, one DEFAULTS object, resolved once, unknown keys and wrong kinds rejected.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emuError } from './core/errors.js';
import type { IdSource } from './core/ids.js';
import { isLogLevel, type LogFormat, type Logger, type LogLevel } from './core/logger.js';

import { RUNNER_CHOICES, type RunnerChoice } from './runners/select.js';

export type { RunnerChoice };
export type WarmContainers = 'EAGER' | 'LAZY';

/** One line of a function's log, as the emulator collects it. */
export interface FunctionLogChunk {
  functionName: string;
  text: string;
  /** Set on the chunk that ends an invocation's log (its END and REPORT lines). */
  invocationEnd?: true;
}

export interface EmulatorOptions {
  /** SAM template (YAML or JSON); default `template.yaml` or `template.yml` in `cwd`. */
  template?: string;
  /** Directory relative paths start from (default: process.cwd()). */
  cwd?: string;
  /** `--parameter-overrides`: `K=V ...`, `ParameterKey=K,ParameterValue=V ...`, or pairs. */
  parameterOverrides?: string | Record<string, string>;
  /** `--env-vars`: a JSON file in SAM's format (or dotenv). */
  envVars?: string;
  /** `AWS::Region` and the functions' AWS_REGION. */
  region?: string;
  /** Where functions run: Docker when a daemon answers (auto), always Docker, or host processes. */
  runner?: RunnerChoice;
  /** EAGER starts one environment per function at start-up; LAZY at the first invocation. */
  warmContainers?: WarmContainers;
  /** Environments per function at most, unless the template sets ReservedConcurrentExecutions. */
  maxConcurrency?: number;
  /** How long an invocation waits for a free environment beyond the limit before a 429. */
  queueTimeoutMs?: number;
  /** Idle environments are stopped after this long (0: never). */
  idleTimeoutMs?: number;
  /** How long an invocation waits for a busy environment before another one starts (0: at once, as Lambda). */
  scaleOutDelayMs?: number;
  /** Address every listener binds. */
  host?: string;
  /** API Gateway front end port (0: a free port; false: no API front end). */
  port?: number | false;
  /** Lambda Invoke API port for SDKs (0: a free port; false: none). */
  lambdaPort?: number | false;
  /**
   * Function URL ports: by default each URL gets a port derived from its function's name (9100–9899,
   * the same every run); 0 gives every URL a free port; false serves none; an object overrides
   * single functions (`{ MyFunction: 8080 }`, 0 for a free one) and derives the rest.
   */
  functionUrlPorts?: number | false | Record<string, number>;
  /** Extra credentials AWS_IAM Function URLs accept, beside the emulator's own AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. */
  functionUrlCredentials?: ReadonlyArray<{ accessKeyId: string; secretAccessKey: string; accountId?: string; userArn?: string }>;
  /** Retire a function's environments when a file under its code changes. */
  watch?: boolean;
  /** Serve template.yaml even when SAM's .aws-sam/build/template.yaml is newer. */
  sourceTemplate?: boolean;
  /** Layer ARN (with or without version) → local folder or .zip with its content, for layers not in the template. */
  layers?: Readonly<Record<string, string>>;
  /** Folder of downloaded layers (`Name-Version[-hash][.zip]`; default SAM's ~/.aws-sam/layers-pkg). */
  layerCache?: string;
  /** Start even when the template uses features that make a function unrunnable here (`emulate validate` lists them). */
  allowUnsupported?: boolean;
  /** Host variables functions may see: none by default, a list of names, or true for all. */
  hostEnv?: boolean | readonly string[];
  /** Docker: never pull missing base images. */
  skipPullImage?: boolean;
  /** Docker: network to attach containers to (default: host networking on Linux). */
  dockerNetwork?: string;
  /** Docker: address containers use to reach the emulator. */
  containerHost?: string;
  /** Docker: read-only root filesystem and an unprivileged user, as Lambda (default true). */
  sandbox?: boolean;
  /**
   * Streamed responses: the first 6 MB at full speed, then at most 2 MB/s, as Lambda streams them
   * (default true; false lets a local stream run as fast as it can).
   */
  streamBandwidthLimit?: boolean;
  /** Request ids: random UUIDs, `sequential` (`request-1`, ...) for snapshot tests, or your own source. */
  requestIds?: 'random' | 'sequential' | IdSource;
  logLevel?: LogLevel;
  logFormat?: LogFormat;
  /** The emulator's own logger (overrides logLevel/logFormat). */
  logger?: Logger;
  /** SAM's `--disable-authorizer`: serve every route as if it had no authorizer and no API key. */
  disableAuthorizer?: boolean;
  /** Issuer → local JWKS file or URL, for JWT and Cognito authorizers offline. */
  jwksOverrides?: Record<string, string>;
  /** API key values accepted in `x-api-key` besides the template's AWS::ApiGateway::ApiKey `Value`s. */
  apiKeys?: readonly string[];
  /** `--debug-port`: the debugged function's runtime starts under the Node inspector or debugpy on this port. */
  debugPort?: number;
  /** `--debug-function`: the function to debug (required when the template has several). */
  debugFunction?: string;
  /** `--debug-args`: Node flags (an `--inspect*` flag replaces the default `--inspect-brk`) or debugpy arguments. */
  debugArgs?: string;
  /** `--debugger-path`: host folder holding debugpy, put on PYTHONPATH (process runner) or mounted (Docker). */
  debuggerPath?: string;
  /** Receives every function's output (START/END/REPORT included) as it is written. */
  onFunctionOutput?: (chunk: FunctionLogChunk) => void;
}

export const DEFAULTS = {
  cwd: '.',
  region: 'us-east-1',
  runner: 'auto' as RunnerChoice,
  warmContainers: 'LAZY' as WarmContainers,
  maxConcurrency: 10,
  queueTimeoutMs: 30_000,
  idleTimeoutMs: 600_000,
  scaleOutDelayMs: 10,
  host: '127.0.0.1',
  port: 0 as number | false,
  lambdaPort: 0 as number | false,
  watch: false,
  sourceTemplate: false,
  allowUnsupported: false,
  hostEnv: false as boolean | readonly string[],
  skipPullImage: false,
  sandbox: true,
  streamBandwidthLimit: true,
  requestIds: 'random' as 'random' | 'sequential' | IdSource,
  // A library inside a test runner stays quiet unless asked: warnings and errors only (the CLI passes info).
  logLevel: 'warn' as LogLevel,
} as const;

export type ResolvedOptions = Required<Pick<EmulatorOptions, keyof typeof DEFAULTS>> &
  Omit<EmulatorOptions, keyof typeof DEFAULTS> & { template: string; cwd: string };

type Check = (value: unknown) => string | undefined;

const isPort: Check = (v) => (v === false || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535) ? undefined : 'must be a port number (0 for a free one) or false');
const isPositiveInt: Check = (v) => (Number.isInteger(v) && (v as number) >= 1 ? undefined : 'must be a whole number of at least 1');
const isNonNegative: Check = (v) => (typeof v === 'number' && v >= 0 ? undefined : 'must be a number of milliseconds, 0 or more');
const isString: Check = (v) => (typeof v === 'string' && v !== '' ? undefined : 'must be a non-empty string');
const isBoolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const isFunction: Check = (v) => (typeof v === 'function' ? undefined : 'must be a function');
const oneOf = (...values: string[]): Check => (v) => (values.includes(v as string) ? undefined : `must be one of ${values.join(', ')}`);

/** Every option with its check: a key missing here is unknown. */
const CHECKS: Record<keyof EmulatorOptions, Check> = {
  template: isString,
  cwd: isString,
  parameterOverrides: (v) => (typeof v === 'string' || (typeof v === 'object' && v !== null) ? undefined : 'must be a string or an object of strings'),
  envVars: isString,
  region: isString,
  runner: oneOf(...RUNNER_CHOICES),
  warmContainers: oneOf('EAGER', 'LAZY'),
  maxConcurrency: isPositiveInt,
  queueTimeoutMs: isNonNegative,
  idleTimeoutMs: isNonNegative,
  scaleOutDelayMs: isNonNegative,
  host: isString,
  port: isPort,
  lambdaPort: isPort,
  functionUrlPorts: (v) =>
    v === false || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((p) => isPort(p) === undefined && p !== false))
      ? undefined
      : v === undefined || typeof v === 'object' ? 'must be a port number, false, or an object of function name → port' : isPort(v),
  functionUrlCredentials: (v) =>
    Array.isArray(v) && v.every((c) => typeof c?.accessKeyId === 'string' && typeof c?.secretAccessKey === 'string') ? undefined : 'must be a list of { accessKeyId, secretAccessKey }',
  watch: isBoolean,
  sourceTemplate: isBoolean,
  allowUnsupported: isBoolean,
  layers: (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string' && x !== '') ? undefined : 'must be an object of layer ARN → folder or .zip'),
  layerCache: isString,
  hostEnv: (v) => (typeof v === 'boolean' || (Array.isArray(v) && v.every((x) => typeof x === 'string')) ? undefined : 'must be true, false or a list of variable names'),
  skipPullImage: isBoolean,
  dockerNetwork: isString,
  containerHost: isString,
  sandbox: isBoolean,
  streamBandwidthLimit: isBoolean,
  requestIds: (v) => (v === 'random' || v === 'sequential' || typeof v === 'function' ? undefined : 'must be "random", "sequential" or a function'),
  logLevel: (v) => (typeof v === 'string' && isLogLevel(v) ? undefined : 'must be a log level'),
  logFormat: oneOf('json', 'pretty', 'rie'),
  logger: (v) => (typeof v === 'object' && v !== null ? undefined : 'must be a pino logger'),
  onFunctionOutput: isFunction,
  disableAuthorizer: isBoolean,
  jwksOverrides: (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string' && x !== '') ? undefined : 'must be an object of issuer → JWKS file or URL'),
  apiKeys: (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '') ? undefined : 'must be a list of non-empty strings'),
  debugPort: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535 ? undefined : 'must be a port number from 1 to 65535'),
  debugFunction: isString,
  debugArgs: (v) => (typeof v === 'string' ? undefined : 'must be a string'),
  debuggerPath: isString,
};

/** The template a user means: the given path, or template.yaml / template.yml in the working directory. */
function findTemplate(cwd: string, given: string | undefined): string {
  if (given) return resolve(cwd, given);
  for (const name of ['template.yaml', 'template.yml']) {
    const path = join(cwd, name);
    if (existsSync(path)) return path;
  }
  return join(cwd, 'template.yaml');
}

/** Checks every key once and fills in the defaults. */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const check = CHECKS[key as keyof EmulatorOptions];
    if (!check) {
      const near = Object.keys(CHECKS).find((k) => k.toLowerCase() === key.toLowerCase());
      throw emuError('EMU_CONFIG_UNKNOWN_OPTION', key, near ? ` (did you mean "${near}"?)` : '');
    }
    const problem = check(value);
    if (problem) throw emuError('EMU_CONFIG_BAD_OPTION', key, problem);
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as EmulatorOptions;
  const cwd = resolve(defined.cwd ?? process.cwd());
  return { ...DEFAULTS, ...defined, cwd, template: findTemplate(cwd, defined.template) };
}
