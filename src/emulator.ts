// Composition root: template → runners and pools → Runtime API environments → front ends (Invoke API, API Gateway).
import { watch, type FSWatcher } from 'node:fs';
import { startApiGateway, type ApiGatewayServer } from '../apigw/index.js';
import { functionUrlPort, startFunctionUrl, type FunctionUrlServer } from '../apigw/index.js';
import type { LocalCredential } from '../apigw/function-url/iam.js';
import { createEnvironment } from '../runtime-api/environment.js';
import { startInvokeApi, type InvokeApi, type InvokeTarget, type ServiceError } from '../runtime-api/invoke-api.js';
import { NODE_CLIENT_ENTRY, PYTHON_CLIENT_ENTRY } from '../runtime-api/clients/index.js';
import { debugFamily, debugListener, splitDebugArgs, type DebugTarget } from './core/debug.js';
import { emuError } from './core/errors.js';
import type { Runner, RunnerLaunch } from './core/runner.js';
import { randomRequestId, sequentialIds, type IdSource } from './core/ids.js';
import { isStreamed, type InvokeRequest, type InvokeResult } from './core/invoke.js';
import { HTTP_INTEGRATION_CONTENT_TYPE, PreludeReader, type StreamPrelude } from '../apigw/function-url/response.js';
import { createLogger, type Logger } from './core/logger.js';
import { formatHostPort, portFree, waitForPort } from './core/net.js';
import type { ApiSpec, FunctionSpec, RouteSpec, TemplateModel } from './core/model.js';
import { resolveOptions, type EmulatorOptions, type FunctionLogChunk, type ResolvedOptions } from './options.js';
import { EnvironmentPool } from './pool/pool.js';
import { selectRunner } from './runners/select.js';
import { sweepStaleTempDirs } from './core/temp-dirs.js';
import { readTemplate } from './template/index.js';
import { cacheDirFor, CodeBuilds, chooseTemplate, provideLayers } from './build/index.js';

/** What `emu.invoke` gives back: the invocation result, plus the payload parsed as JSON when it is JSON. */
export type InvocationOutcome = InvokeResult & {
  /** The payload parsed as JSON (the error object for failures); undefined when it is not JSON. */
  value: unknown;
};

export interface InvokeOptions {
  /** Client context object (or JSON string) the function sees as `context.clientContext`. */
  clientContext?: unknown;
  requestId?: string;
}

/** One served Function URL. */
export interface FunctionUrlInfo {
  /** `http://127.0.0.1:PORT/` (trailing slash, as AWS's FunctionUrl). */
  url: string;
  port: number;
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  authType: 'NONE' | 'AWS_IAM';
}

export interface Emulator {
  /** Base URL of the API Gateway front end, when it runs. */
  readonly apiUrl: string | undefined;
  /** Each Function URL by function name: `http://127.0.0.1:PORT/` and its invoke mode. */
  readonly functionUrls: Readonly<Record<string, FunctionUrlInfo>>;
  /** Endpoint for AWS SDKs (`new LambdaClient({ endpoint: emu.lambdaUrl })`), when it runs. */
  readonly lambdaUrl: string | undefined;
  readonly functions: readonly FunctionSpec[];
  /** The template's routes; each names its API by `apiLogicalId`. */
  readonly routes: readonly RouteSpec[];
  /** The APIs the routes name (stage, CORS, binary media types), SAM's implicit ones included. */
  readonly apis: readonly ApiSpec[];
  /** What the template reader could not resolve locally. */
  readonly warnings: readonly string[];
  /** Every function's output so far, in order (the most recent 10,000 to 20,000 chunks). */
  readonly logs: readonly FunctionLogChunk[];
  /** Invokes a function (by name, logical id or ARN) with an event (any JSON value, or a Buffer/string of JSON). */
  invoke(functionName: string, event?: unknown, options?: InvokeOptions): Promise<InvocationOutcome>;
  /**
   * Invokes a function and takes its response as it streams: the HTTP prelude when the function sent
   * one (`HttpResponseStream.from`), the body chunk by chunk, and how the invocation ended. A function
   * that does not stream answers the same way, its whole response as one chunk.
   */
  invokeStream(functionName: string, event?: unknown, options?: InvokeOptions): Promise<StreamedInvocation>;
  /** Stops every front end, environment and watcher; idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** What `emu.invokeStream` answers. Read `body` to its end (or break out): the function waits while it is not read. */
export interface StreamedInvocation {
  requestId: string;
  /** Whether the function streamed (false: a buffered answer, or a failure before any byte). */
  streamed: boolean;
  /** The content type the function declared. */
  contentType?: string;
  /** The status, headers and cookies a function sent with `HttpResponseStream.from` (read before `body` starts). */
  prelude?: StreamPrelude;
  body: AsyncIterable<Buffer>;
  /** How it ended: success, or the failure (a mid-stream error, a timeout) with its log. Never rejects. */
  outcome: Promise<InvokeResult>;
}

const MAX_LOG_CHUNKS = 10_000;
/** The debugged function's Timeout and init limit while a debugger may hold it at a breakpoint: setTimeout's largest delay (24.8 days). */
const SUSPENDED_TIMEOUT_MS = 2 ** 31 - 1;

/** The function `--debug-port` debugs: `--debug-function`, or the template's only function (SAM asks for a name when there are several). */
function debugTarget(opts: ResolvedOptions, functions: readonly FunctionSpec[]): DebugTarget | undefined {
  if (opts.debugPort === undefined) {
    if (opts.debugFunction !== undefined || opts.debugArgs !== undefined || opts.debuggerPath !== undefined) {
      throw emuError('EMU_CONFIG_BAD_OPTION', opts.debugFunction !== undefined ? 'debugFunction' : opts.debugArgs !== undefined ? 'debugArgs' : 'debuggerPath', 'needs debugPort (--debug-port) too');
    }
    return undefined;
  }
  let fn: FunctionSpec | undefined;
  if (opts.debugFunction !== undefined) {
    fn = findFunction(functions, opts.debugFunction).fn;
    if (!fn) throw emuError('EMU_CONFIG_BAD_OPTION', 'debugFunction', `names no function of the template ("${opts.debugFunction}"); it has: ${functions.map((f) => f.functionName).join(', ')}`);
  } else if (functions.length === 1) {
    fn = functions[0]!;
  } else {
    throw emuError('EMU_CONFIG_BAD_OPTION', 'debugFunction', `is required with debugPort (-d/--debug-port) when the template has several functions: pass --debug-function NAME, one of ${functions.map((f) => f.functionName).join(', ')}`);
  }
  return {
    logicalId: fn.logicalId,
    port: opts.debugPort,
    args: splitDebugArgs(opts.debugArgs),
    ...(opts.debuggerPath !== undefined ? { debuggerPath: opts.debuggerPath } : {}),
  };
}


function idSource(choice: ResolvedOptions['requestIds']): IdSource {
  if (typeof choice === 'function') return choice;
  return choice === 'sequential' ? sequentialIds() : randomRequestId;
}

function payloadOf(event: unknown): Buffer {
  if (Buffer.isBuffer(event)) return event;
  if (typeof event === 'string') return Buffer.from(event);
  return Buffer.from(JSON.stringify(event ?? {}));
}

function parseValue(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Finds a function by name, logical id, full or partial ARN, with an optional `:qualifier`. */
export function findFunction(functions: readonly FunctionSpec[], ref: string): { fn: FunctionSpec | undefined; qualifier: string | undefined; name: string } {
  let name = ref;
  let qualifier: string | undefined;
  const arn = /^(?:arn:[^:]+:lambda:[^:]*:)?(?:\d{12}:)?function:([^:]+)(?::(.+))?$/.exec(ref);
  if (arn) {
    name = arn[1]!;
    qualifier = arn[2];
  } else if (ref.includes(':')) {
    [name, qualifier] = ref.split(':', 2) as [string, string];
  }
  const fn = functions.find((f) => f.functionName === name) ?? functions.find((f) => f.logicalId === name);
  return { fn, qualifier, name };
}

async function readModel(opts: ResolvedOptions): Promise<TemplateModel> {
  const model = await readTemplate(opts.template, {
    ...(opts.parameterOverrides !== undefined ? { parameterOverrides: opts.parameterOverrides } : {}),
    ...(opts.envVars !== undefined ? { envVarsFile: opts.envVars } : {}),
    region: opts.region,
  });
  // Layers named by ARN come from --layer / --layer-cache, or are named here with where they were looked for.
  const provided = provideLayers(model.functions, { layers: opts.layers, layerCache: opts.layerCache, cacheDir: cacheDirFor(model.templateDir) });
  return { ...model, functions: provided.functions, warnings: [...model.warnings, ...provided.warnings] };
}

/** Reads the template the options name (default template.yaml/.yml in cwd), as `emulate validate` does. */
export function loadTemplate(options: EmulatorOptions = {}): Promise<TemplateModel> {
  return readModel(resolveOptions(options));
}

/** Builds and starts an emulator for a SAM template. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options);
  const logger = resolved.logger ?? createLogger({ level: resolved.logLevel, ...(resolved.logFormat ? { format: resolved.logFormat } : {}) });
  // SAM's build folder is served when it is newer than the template, as sam local does.
  const choice = chooseTemplate(resolved.template, options.template !== undefined, resolved.sourceTemplate);
  if (choice.info) logger.info(choice.info);
  if (choice.warning) logger.warn(choice.warning);
  const opts = { ...resolved, template: choice.template };
  const model = await readModel(opts);
  for (const warning of model.warnings) logger.warn(warning);
  if (model.unrunnable?.length && !opts.allowUnsupported) throw emuError('EMU_TEMPLATE_UNSUPPORTED', model.unrunnable.length, model.unrunnable.map((l) => `  ${l}`).join('\n'));
  // Builds (esbuild, .zip) turn code into folders before any runner sees it.
  // A bad --debug-function stops the start before any build.
  const debug = debugTarget(opts, model.functions);
  const builds = await CodeBuilds.prepare(model.functions, {
    templateDir: model.templateDir,
    logger,
    watch: opts.watch,
    prebuilt: choice.prebuilt,
    ...(debug ? { debugged: debug.logicalId } : {}),
  });
  const emulator = new EmulatorInstance(opts, { ...model, functions: builds.functions }, logger, builds, debug);
  try {
    await emulator.start();
  } catch (err) {
    await emulator.close();
    throw err;
  }
  return emulator;
}

class EmulatorInstance implements Emulator {
  apiUrl: string | undefined;
  lambdaUrl: string | undefined;
  readonly functionUrls: Record<string, FunctionUrlInfo> = {};
  private readonly urlServers: FunctionUrlServer[] = [];
  readonly logs: FunctionLogChunk[] = [];
  private readonly pools = new Map<string, EnvironmentPool>();
  private readonly launches = new Map<string, Promise<RunnerLaunch>>();
  /** The runner the registry chose; it knows where Runtime API listeners bind and how runtimes start. */
  private runner: Runner | undefined;
  private readonly watchers: FSWatcher[] = [];
  private readonly ids: IdSource;
  private lambdaApi: InvokeApi | undefined;
  private api: ApiGatewayServer | undefined;
  private closing: Promise<void> | undefined;
  /** Resolves once the debugged function's runtime has started (its debugger port is open). */
  private debugLaunched!: Promise<void>;
  private onDebugLaunched: () => void = () => {};

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly model: TemplateModel,
    private readonly logger: Logger,
    private readonly builds: CodeBuilds,
    /** The function `--debug-port` debugs, if any. */
    private readonly debug: DebugTarget | undefined,
  ) {
    this.ids = idSource(opts.requestIds);
  }

  get functions(): readonly FunctionSpec[] {
    return this.model.functions;
  }

  get routes(): readonly RouteSpec[] {
    return this.model.routes;
  }

  get apis(): readonly ApiSpec[] {
    return this.model.apis;
  }

  get warnings(): readonly string[] {
    return this.model.warnings;
  }

  async start(): Promise<void> {
    // Temporary folders (inline code, merged layers) of emulators that were killed, as containers are swept.
    const swept = sweepStaleTempDirs();
    if (swept.length > 0) this.logger.info({ removed: swept.length }, 'removed temporary folders a previous emulator left behind');
    this.debugLaunched = new Promise((resolve) => (this.onDebugLaunched = resolve));
    this.runner = await selectRunner(this.opts.runner, {
      ...(this.debug ? { debug: this.debug } : {}),
      logger: this.logger,
      region: this.model.region,
      hostEnv: this.opts.hostEnv,
      skipPull: this.opts.skipPullImage,
      sandbox: this.opts.sandbox,
      ...(this.opts.dockerNetwork !== undefined ? { dockerNetwork: this.opts.dockerNetwork } : {}),
      ...(this.opts.containerHost !== undefined ? { containerHost: this.opts.containerHost } : {}),
      nodeClient: NODE_CLIENT_ENTRY,
      pythonClient: PYTHON_CLIENT_ENTRY,
      functions: this.model.functions,
    });
    if (this.debug) {
      // The debugged function's launch is prepared now, so that what debugging needs (debugpy, a Node runtime, host networking) fails the start, not its first request.
      const fn = this.model.functions.find((f) => f.logicalId === this.debug!.logicalId)!;
      await this.builds.ready(fn.logicalId).then(() => this.launchFor(fn));
    }
    if (this.opts.lambdaPort !== false) {
      this.lambdaApi = await startInvokeApi({
        host: this.opts.host,
        port: this.opts.lambdaPort,
        logger: this.logger,
        flavor: 'lambda',
        resolve: (name, qualifier) => this.target(name, qualifier),
      });
      this.lambdaUrl = `http://${this.lambdaApi.address}`;
    }
    if (this.opts.port !== false && this.model.routes.length > 0) {
      this.api = await startApiGateway({
        apis: this.model.apis,
        routes: this.model.routes,
        invokerFor: (name) => {
          const { fn } = findFunction(this.model.functions, name);
          if (!fn) throw emuError('EMU_FUNCTION_NOT_FOUND', name, this.functionNames());
          return this.poolFor(fn);
        },
        logger: this.logger,
        host: this.opts.host,
        port: this.opts.port,
        region: this.model.region,
        accountId: this.model.accountId,
        auth: {
          ...(this.opts.disableAuthorizer ? { disableAuthorizer: true } : {}),
          ...(this.opts.jwksOverrides ? { jwksOverrides: this.opts.jwksOverrides } : {}),
          apiKeys: [...(this.model.apiKeys ?? []), ...(this.opts.apiKeys ?? [])],
        },
      });
      this.apiUrl = this.api.url;
    }
    await this.startFunctionUrls();
    if (this.opts.watch) this.watchCode();
    if (this.opts.warmContainers === 'EAGER') {
      await Promise.all(
        this.model.functions.map((fn) => {
          const warming = this.poolFor(fn).warm(1);
          if (fn.logicalId !== this.debug?.logicalId) return warming;
          // The debugged runtime may wait for its debugger before init: start-up waits only until its port is open.
          warming.catch((err: unknown) => this.logger.error({ fn: fn.functionName, err }, 'the debugged function could not start'));
          return Promise.race([this.debugLaunched, warming]);
        }),
      );
    }
  }

  async invoke(functionName: string, event?: unknown, options: InvokeOptions = {}): Promise<InvocationOutcome> {
    const { fn, name } = findFunction(this.model.functions, functionName);
    if (!fn) throw emuError('EMU_FUNCTION_NOT_FOUND', name, this.functionNames());
    const request: InvokeRequest = { payload: payloadOf(event), ...(options.requestId ? { requestId: options.requestId } : {}) };
    if (options.clientContext !== undefined) {
      request.clientContext = typeof options.clientContext === 'string' ? options.clientContext : JSON.stringify(options.clientContext);
    }
    const result = await this.poolFor(fn).invoke(request);
    return { ...result, value: parseValue(result.payload) };
  }

  async invokeStream(functionName: string, event?: unknown, options: InvokeOptions = {}): Promise<StreamedInvocation> {
    const { fn, name } = findFunction(this.model.functions, functionName);
    if (!fn) throw emuError('EMU_FUNCTION_NOT_FOUND', name, this.functionNames());
    const request: InvokeRequest = { payload: payloadOf(event), ...(options.requestId ? { requestId: options.requestId } : {}) };
    if (options.clientContext !== undefined) {
      request.clientContext = typeof options.clientContext === 'string' ? options.clientContext : JSON.stringify(options.clientContext);
    }
    const result = await this.poolFor(fn).invokeStream(request);
    if (!isStreamed(result)) {
      const payload = result.ok ? result.payload : Buffer.alloc(0);
      return {
        requestId: result.requestId,
        streamed: false,
        ...(result.ok && result.contentType ? { contentType: result.contentType } : {}),
        body: (async function* () {
          if (payload.length > 0) yield payload;
        })(),
        outcome: Promise.resolve(result),
      };
    }
    const base = { requestId: result.requestId, streamed: true, ...(result.contentType ? { contentType: result.contentType } : {}), outcome: result.outcome };
    if (result.contentType !== HTTP_INTEGRATION_CONTENT_TYPE) return { ...base, body: result.body };
    // The prelude comes first: read up to its delimiter, then hand on the rest.
    const iterator = result.body[Symbol.asyncIterator]();
    const reader = new PreludeReader();
    let step = reader.end();
    for (;;) {
      const next = await iterator.next();
      step = next.done ? reader.end() : reader.feed(next.value);
      if (next.done || step.state !== 'need-more') break;
    }
    const rest = step.state === 'done' ? step.rest : Buffer.alloc(0);
    return {
      ...base,
      ...(step.state === 'done' ? { prelude: step.prelude } : {}),
      body: (async function* () {
        if (rest.length > 0) yield rest;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      })(),
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const w of this.watchers) w.close();
      await this.builds.close();
      await Promise.all([this.lambdaApi?.close(), this.api?.close(), ...this.urlServers.map((s) => s.close())]);
      await Promise.all([...this.pools.values()].map((p) => p.close()));
      // Runtimes are gone with their pools; the runner stops what its launches still hold and drops their files.
      await this.runner?.close();
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** One listener per function with a Function URL, on a port derived from its name unless told otherwise. */
  private async startFunctionUrls(): Promise<void> {
    const choice = this.opts.functionUrlPorts;
    if (choice === false) return;
    const env = process.env;
    // The credentials an SDK on this machine signs with, plus any given (docs/function-urls.md, "Local credentials").
    const credentials: LocalCredential[] = [...(this.opts.functionUrlCredentials ?? [])];
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) credentials.push({ accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY });
    const taken = new Set<number>();
    for (const fn of this.model.functions) {
      if (!fn.functionUrl) continue;
      const override = typeof choice === 'object' ? (choice[fn.functionName] ?? choice[fn.logicalId]) : choice;
      const port = override ?? functionUrlPort(fn.functionName, taken);
      if (port !== 0) taken.add(port);
      const server = await startFunctionUrl({
        functionName: fn.functionName,
        url: fn.functionUrl,
        invoker: this.poolFor(fn),
        region: this.model.region,
        accountId: this.model.accountId,
        credentials,
        host: this.opts.host,
        port,
        logger: this.logger,
        ids: this.ids,
      });
      this.urlServers.push(server);
      this.functionUrls[fn.functionName] = { url: server.url, port: server.port, invokeMode: fn.functionUrl.invokeMode, authType: fn.functionUrl.authType };
    }
  }

  /** The Invoke API's resolver: a function and version, or Lambda's ResourceNotFoundException. */
  private target(ref: string, queryQualifier: string | undefined): InvokeTarget | ServiceError {
    const { fn, qualifier, name } = findFunction(this.model.functions, ref);
    const wanted = queryQualifier ?? qualifier;
    if (!fn || (wanted !== undefined && wanted !== '$LATEST')) {
      const arn = `arn:${this.model.partition}:lambda:${this.model.region}:${this.model.accountId}:function:${name}${wanted ? `:${wanted}` : ''}`;
      return { status: 404, code: 'ResourceNotFoundException', message: `Function not found: ${arn}` };
    }
    return { invoker: this.poolFor(fn), version: '$LATEST' };
  }

  private poolFor(fn: FunctionSpec): EnvironmentPool {
    let pool = this.pools.get(fn.logicalId);
    if (pool) return pool;
    let n = 0;
    const reserved = fn.reservedConcurrentExecutions;
    // A debugged function runs in one environment (one debugger port), and invocations queue for it.
    const debugged = fn.logicalId === this.debug?.logicalId;
    pool = new EnvironmentPool({
      functionName: fn.functionName,
      // Reserved concurrency is Lambda's own limit: beyond it Lambda throttles at once.
      maxConcurrency: debugged ? 1 : (reserved ?? this.opts.maxConcurrency),
      overflow: reserved !== undefined && !debugged ? 'throttle' : 'queue',
      // Invocations queued behind one held at a breakpoint wait as long as it does.
      queueTimeoutMs: debugged ? SUSPENDED_TIMEOUT_MS : this.opts.queueTimeoutMs,
      ...(debugged ? { debugged: true } : {}),
      idleTimeoutMs: this.opts.idleTimeoutMs,
      scaleOutDelayMs: this.opts.scaleOutDelayMs,
      logger: this.logger,
      streamShaping: { bandwidth: this.opts.streamBandwidthLimit ? {} : false },
      createEnvironment: async () =>
        createEnvironment({
          id: `${fn.functionName}-${++n}`,
          functionName: fn.functionName,
          functionArn: fn.functionArn,
          version: '$LATEST',
          ...(fn.handler ? { handler: fn.handler } : {}),
          // A breakpoint must not end the invocation: the Timeout and the init limit are suspended while debugging.
          timeoutMs: debugged ? SUSPENDED_TIMEOUT_MS : fn.timeoutSeconds * 1000,
          ...(debugged ? { initTimeoutMs: SUSPENDED_TIMEOUT_MS } : {}),
          memorySizeMb: fn.memorySizeMb,
          logger: this.logger.child({ fn: fn.functionName }),
          output: (chunk, ended) => this.functionOutput(fn, chunk, ended),
          host: this.runner!.runtimeApiHost,
          ids: this.ids,
          launch: await this.builds.ready(fn.logicalId).then(() => this.launchFor(fn)).then((launch) => (debugged ? this.announced(fn, launch) : launch)),
        }),
    });
    this.pools.set(fn.logicalId, pool);
    return pool;
  }

  /** The Launch of a function, made once by the runner (a pull or build happens once, a failed one is retried). */
  private launchFor(fn: FunctionSpec): Promise<RunnerLaunch> {
    let launch = this.launches.get(fn.logicalId);
    if (!launch) {
      if (!this.runner) throw emuError('EMU_ENV_LAUNCH_FAILED', 'the emulator has not chosen a runner yet');
      launch = this.runner.launchFor(fn);
      // A launch that could not be prepared (pull failed, unsupported runtime) is retried on the next use.
      launch.catch(() => this.launches.delete(fn.logicalId));
      this.launches.set(fn.logicalId, launch);
    }
    return launch;
  }

  /**
   * The debugged function's Launch: each runtime it starts is announced with its debugger address once
   * that address answers (a Node inspector is probed; debugpy is not, as its first connection is its client).
   */
  private announced(fn: FunctionSpec, launch: RunnerLaunch): RunnerLaunch {
    const family = debugFamily(fn.runtime);
    const at = family ? debugListener(this.debug!, family) : { host: '127.0.0.1', port: this.debug!.port, waits: true };
    const line = `Debugger for ${fn.logicalId} listening on ${formatHostPort(at.host, at.port)}; ${at.waits ? 'waiting for it to attach' : 'the function runs without waiting for it'}`;
    return async (ctx) => {
      // A runtime whose inspector cannot bind would run undebugged (Node only prints a warning): say so instead.
      if (!(await portFree(at.host, at.port))) throw emuError('EMU_LISTEN_FAILED', formatHostPort(at.host, at.port), `address already in use, so ${fn.logicalId} cannot be debugged there (--debug-port)`);
      const proc = await launch(ctx);
      if (family === 'node') await waitForPort(at.host, at.port, proc.exited);
      this.logger.info(line);
      this.onDebugLaunched();
      return proc;
    };
  }

  /** The template's function names, for a coded error naming what exists. */
  private functionNames(): string {
    return this.model.functions.map((f) => f.functionName).join(', ');
  }

  private functionOutput(fn: FunctionSpec, chunk: string | Buffer, ended?: boolean): void {
    const entry: FunctionLogChunk = { functionName: fn.functionName, text: chunk.toString(), ...(ended ? { invocationEnd: true } : {}) };
    this.logs.push(entry);
    // Trimmed in batches: one splice per MAX_LOG_CHUNKS chunks instead of one per chunk.
    if (this.logs.length > 2 * MAX_LOG_CHUNKS) this.logs.splice(0, this.logs.length - MAX_LOG_CHUNKS);
    this.opts.onFunctionOutput?.(entry);
  }

  /** `--watch`: a change under a function's code retires its environments; the next invocation runs the new code. */
  private watchCode(): void {
    for (const fn of this.model.functions) {
      if (this.builds.watch(fn.logicalId, () => this.pools.get(fn.logicalId)?.retire())) continue;
      if (fn.code.kind !== 'directory') continue;
      let timer: NodeJS.Timeout | undefined;
      const watcher = watch(fn.code.path, { recursive: true }, () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.logger.info({ fn: fn.functionName }, 'code changed; the next invocation starts a fresh environment');
          this.pools.get(fn.logicalId)?.retire();
        }, 50);
      });
      watcher.unref();
      this.watchers.push(watcher);
    }
  }
}
