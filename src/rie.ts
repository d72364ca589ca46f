// Composition root of `emulate rie`: RIE's bootstrap, environment and defaults wired to a pool of environments and the invoke endpoint.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { createEnvironment } from '../runtime-api/environment.js';
import { startInvokeApi } from '../runtime-api/invoke-api.js';
import { emuError } from './core/errors.js';
import { batchedOutput } from './core/batched-output.js';
import type { InvokeRequest, InvokeResult } from './core/invoke.js';
import { createLogger, type LogFormat, type Logger, type LogLevel } from './core/logger.js';
import { EnvironmentPool } from './pool/pool.js';
import { findExtensions } from './runners/extensions.js';
import { spawnWithExtensions } from './runners/process/extensions.js';
import { spawnRuntime, type SpawnRuntimeOptions } from './runners/process/spawn.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface RieOptions {
  /** Where the invoke endpoint listens (RIE: 0.0.0.0:8080). */
  invokeAddress?: HostPort;
  /** Where the first environment's Runtime API listens (RIE: 127.0.0.1:9001); further ones take free ports. */
  runtimeApiAddress?: HostPort;
  /** The bootstrap command and its arguments; empty → RIE's search of /var/task, /opt, /var/runtime. */
  command?: readonly string[];
  /** Environments that may run at once; 1 is RIE's behaviour (invocations then queue). */
  maxConcurrency?: number;
  /** Streamed responses: first 6 MB at full speed, then at most 2 MB/s, as Lambda (default true). */
  streamBandwidthLimit?: boolean;
  /** The environment RIE reads and passes on (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Where /opt is (default /opt): the executables in its `extensions/` start before the runtime, as Lambda starts them. */
  optDir?: string;
  /** Working directory for a given command (default: process.cwd()). */
  cwd?: string;
  logLevel?: LogLevel;
  logFormat?: LogFormat;
  logger?: Logger;
  /** The function's log stream (default: stdout, as RIE). */
  output?: (chunk: string | Buffer, ended?: boolean) => void;
}

export interface RieServer {
  /** `host:port` of the invoke endpoint. */
  readonly address: string;
  readonly port: number;
  /** Invokes in-process, bypassing HTTP. */
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  close(): Promise<void>;
}

export const RIE_DEFAULTS = {
  invokeAddress: { host: '0.0.0.0', port: 8080 },
  runtimeApiAddress: { host: '127.0.0.1', port: 9001 },
  timeoutSeconds: 300,
  memorySize: '3008',
  functionName: 'test_function',
  version: '$LATEST',
  logGroup: '/aws/lambda/Functions',
  logStream: '$LATEST',
  region: 'us-east-1',
  accountId: '012345678912',
  searchPath: ['/var/task/bootstrap', '/opt/bootstrap', '/var/runtime/bootstrap'],
  optDir: '/opt',
  taskRoot: '/var/task',
} as const;

/** An empty value counts as unset, as in RIE. */
const read = (env: Record<string, string | undefined>, key: string): string | undefined => env[key] || undefined;

function isFile(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** RIE §1.2: the command, its working directory and the handler derived from the positional arguments. */
export function resolveBootstrap(
  command: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): { file: string; args: string[]; cwd: string; handler: string | undefined } {
  const envHandler = read(env, 'AWS_LAMBDA_FUNCTION_HANDLER') ?? read(env, '_HANDLER');
  if (command.length === 0) {
    const found = RIE_DEFAULTS.searchPath.find(isFile) ?? RIE_DEFAULTS.searchPath[0];
    return { file: found, args: [], cwd: RIE_DEFAULTS.taskRoot, handler: envHandler };
  }
  const handler = envHandler ?? (command.length > 1 ? command[command.length - 1] : undefined);
  return { file: command[0]!, args: command.slice(1), cwd, handler };
}

/** Refuses a bootstrap that cannot run, at start-up rather than at the first invoke (a deliberate difference from RIE). */
export function checkBootstrap(file: string, env: Record<string, string | undefined>, cwd: string): void {
  const candidates = file.includes('/')
    ? [isAbsolute(file) ? file : join(cwd, file)]
    : (read(env, 'PATH') ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, file));
  const existing = candidates.filter(isFile);
  if (existing.length === 0) {
    throw emuError('EMU_BOOTSTRAP_NOT_FOUND', file, file.includes('/') ? 'does not exist' : 'was not found on PATH');
  }
  const runnable = existing.some((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!runnable) throw emuError('EMU_BOOTSTRAP_NOT_FOUND', file, 'is not executable');
}

/** RIE §5.2: the runtime's environment is the emulator's own plus Lambda's defaults, credentials and handler. */
export function runtimeEnvironment(env: Record<string, string | undefined>, handler: string | undefined): Record<string, string> {
  const out: Record<string, string> = {
    AWS_LAMBDA_LOG_GROUP_NAME: RIE_DEFAULTS.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: RIE_DEFAULTS.logStream,
    AWS_LAMBDA_FUNCTION_VERSION: RIE_DEFAULTS.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: RIE_DEFAULTS.memorySize,
    AWS_LAMBDA_FUNCTION_NAME: RIE_DEFAULTS.functionName,
  };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    // Empty function-level values fall back to the defaults.
    if (value === '' && key in out) continue;
    out[key] = value;
  }
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) out[key] ??= '';
  if (handler) out._HANDLER = handler;
  else delete out._HANDLER;
  return out;
}

/** AWS_LAMBDA_FUNCTION_TIMEOUT in ms; RIE crashes on every invoke for a non-integer, so it is refused at start-up. */
export function functionTimeoutMs(env: Record<string, string | undefined>): number {
  const raw = read(env, 'AWS_LAMBDA_FUNCTION_TIMEOUT');
  if (raw === undefined) return RIE_DEFAULTS.timeoutSeconds * 1000;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) <= 0) throw emuError('EMU_CONFIG_BAD_TIMEOUT', raw);
  return Number(raw) * 1000;
}

/** Starts `emulate rie`: both listeners open at once, the runtime starts at the first invocation. */
export async function startRie(options: RieOptions = {}): Promise<RieServer> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'info', format: options.logFormat ?? 'rie' });
  const output = options.output ?? batchedOutput(process.stdout);
  const timeoutMs = functionTimeoutMs(env);
  const boot = resolveBootstrap(options.command ?? [], env, options.cwd ?? process.cwd());
  checkBootstrap(boot.file, env, boot.cwd);
  const baseEnv = runtimeEnvironment(env, boot.handler);
  const functionName = baseEnv.AWS_LAMBDA_FUNCTION_NAME!;
  const region = read(env, 'AWS_REGION') ?? RIE_DEFAULTS.region;
  const identity = {
    functionName,
    functionArn: `arn:aws:lambda:${region}:${RIE_DEFAULTS.accountId}:function:${functionName}`,
    version: baseEnv.AWS_LAMBDA_FUNCTION_VERSION!,
    timeoutMs,
    memorySizeMb: baseEnv.AWS_LAMBDA_FUNCTION_MEMORY_SIZE!,
  };
  const runtimeApi = options.runtimeApiAddress ?? RIE_DEFAULTS.runtimeApiAddress;
  let created = 0;
  const pool = new EnvironmentPool({
    functionName,
    maxConcurrency: options.maxConcurrency ?? 1,
    overflow: 'queue',
    logger,
    streamShaping: { bandwidth: options.streamBandwidthLimit === false ? false : {} },
    createEnvironment: () => {
      const n = ++created;
      return createEnvironment({
        ...identity,
        id: `runtime-${n}`,
        logger,
        output,
        host: runtimeApi.host,
        // The first environment takes the configured port; further ones (--max-concurrency) take free ports.
        port: n === 1 ? runtimeApi.port : 0,
        launch: (ctx) => {
          const runtime: SpawnRuntimeOptions = {
            command: boot.file,
            args: boot.args,
            cwd: boot.cwd,
            env: { ...baseEnv, AWS_LAMBDA_RUNTIME_API: ctx.runtimeApi },
            onOutput: ctx.onOutput,
          };
          // External extensions: /opt/extensions/* started before the runtime at each init (Extensions API reference, Init phase).
          const extensions = findExtensions([options.optDir ?? RIE_DEFAULTS.optDir]);
          return extensions.length === 0 ? spawnRuntime(runtime) : spawnWithExtensions(extensions, undefined, runtime, ctx, logger);
        },
      });
    },
  });
  // RIE opens its Runtime API at start-up: a port conflict is reported now, not at the first invoke.
  await pool.reserve(1);
  const listen = options.invokeAddress ?? RIE_DEFAULTS.invokeAddress;
  let endpoint;
  try {
    endpoint = await startInvokeApi({
      host: listen.host,
      port: listen.port,
      logger,
      flavor: 'rie',
      resolve: () => ({ invoker: pool, version: identity.version }),
    });
  } catch (err) {
    await pool.close();
    throw err;
  }
  if (!('AWS_ACCESS_KEY_ID' in env && 'AWS_SECRET_ACCESS_KEY' in env)) {
    logger.debug('Starting runtime without AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN , Expected?: false');
  }
  logger.info(`exec '${boot.file}' (cwd=${boot.cwd}, handler=${boot.handler ?? ''})`);
  logger.info(`Listening on ${endpoint.address}`);
  let closing: Promise<void> | undefined;
  return {
    address: endpoint.address,
    port: endpoint.port,
    invoke: (request) => pool.invoke(request),
    close: () => (closing ??= Promise.all([endpoint.close(), pool.close()]).then(() => undefined)),
  };
}
