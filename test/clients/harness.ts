// Test harness for the runtime clients: runs a handler under a client through a real environment, or against a recording Runtime API.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnvironment } from '../../runtime-api/environment.js';
import { NODE_CLIENT_ENTRY, PYTHON_CLIENT_ENTRY } from '../../runtime-api/clients/index.js';
import type { ExecutionEnvironment } from '../../src/core/environment.js';
import type { InvokeRequest, InvokeResult } from '../../src/core/invoke.js';
import { silentLogger } from '../../src/core/logger.js';
import { spawnRuntime } from '../../src/runners/process/spawn.js';
import { RUNTIME_HEADER, RUNTIME_PATH } from '../../src/core/wire.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const NODE_FIXTURES = join(repoRoot, 'fixtures', 'handlers', 'node');
export const PYTHON_FIXTURES = join(repoRoot, 'fixtures', 'handlers', 'python');
export const RIC_ENTRY = join(repoRoot, 'fixtures', 'ric', 'node_modules', 'aws-lambda-ric', 'index.mjs');

export type ClientKind = 'emulate' | 'ric' | 'python';

export const FUNCTION = {
  name: 'client-test',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:client-test',
  version: '$LATEST',
  memorySizeMb: 256,
  timeoutMs: 10_000,
  logGroup: '/aws/lambda/client-test',
  logStream: '2026/11/21/[$LATEST]0123456789abcdef',
} as const;

/** How each client is started: the command line of the runtime process. */
export function clientCommand(client: ClientKind): { command: string; args: string[] } {
  switch (client) {
    case 'emulate':
      return { command: process.execPath, args: [NODE_CLIENT_ENTRY] };
    case 'ric':
      return { command: process.execPath, args: [RIC_ENTRY] };
    case 'python':
      return { command: 'python3', args: [PYTHON_CLIENT_ENTRY] };
  }
}

/** The complete environment of a runtime process (nothing inherited but PATH), with every variable RIC 4.0.2 requires. */
export function clientEnv(taskRoot: string, handler: string, runtimeApi: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    // Keeps the Python fixtures free of __pycache__ folders.
    PYTHONDONTWRITEBYTECODE: '1',
    _HANDLER: handler,
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION.name,
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(FUNCTION.memorySizeMb),
    AWS_LAMBDA_LOG_GROUP_NAME: FUNCTION.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: FUNCTION.logStream,
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    ...extra,
  };
}

export interface RunningFunction {
  environment: ExecutionEnvironment;
  invoke(event: unknown, request?: Omit<InvokeRequest, 'payload'>): Promise<InvokeResult>;
  /** Everything the runtime wrote so far, framed by START/END/REPORT. */
  output(): string;
  close(): Promise<void>;
}

/** Starts an environment whose runtime is the given client running `handler` from `taskRoot`. */
export async function startFunction(options: {
  client: ClientKind;
  taskRoot: string;
  handler: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<RunningFunction> {
  const chunks: string[] = [];
  const { command, args } = clientCommand(options.client);
  const environment = await createEnvironment({
    id: `${options.client}-${options.handler}`,
    functionName: FUNCTION.name,
    functionArn: FUNCTION.arn,
    version: FUNCTION.version,
    timeoutMs: options.timeoutMs ?? FUNCTION.timeoutMs,
    memorySizeMb: FUNCTION.memorySizeMb,
    logger: silentLogger(),
    output: (chunk) => chunks.push(chunk.toString()),
    launch: ({ runtimeApi, onOutput }) =>
      spawnRuntime({
        command,
        args,
        cwd: options.taskRoot,
        env: clientEnv(options.taskRoot, options.handler, runtimeApi, options.env),
        onOutput,
      }),
  });
  return {
    environment,
    invoke: (event, request = {}) =>
      environment.invoke({ payload: Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)), ...request }),
    output: () => chunks.join(''),
    close: () => environment.close(),
  };
}

/** The JSON a result carries (the response, or the error body). */
export const body = (result: InvokeResult): unknown => JSON.parse(result.payload.toString('utf8'));

/** One request a runtime made to the recording Runtime API. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  trailers: Record<string, string | undefined>;
}

/** An invocation the recording Runtime API hands out from `/next`. */
export interface ScriptedInvocation {
  requestId: string;
  event: unknown;
  headers?: Record<string, string>;
}

/**
 * A Runtime API that records every request and serves scripted invocations, for wire details the real server does
 * not expose (request headers, trailers, the process's exit status). `/next` is held once the script runs out.
 */
export class RecordingRuntimeApi {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly held: ServerResponse[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  address = '';

  private constructor(private readonly script: ScriptedInvocation[]) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
          trailers: { ...req.trailers },
        });
        this.notify();
        if (req.url === RUNTIME_PATH.next) return this.next(res);
        res.writeHead(202, { 'Content-Type': 'application/json' });
        res.end('{"status":"OK"}\n');
      });
    });
  }

  static async start(script: ScriptedInvocation[]): Promise<RecordingRuntimeApi> {
    const api = new RecordingRuntimeApi(script);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.address = `127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  /** Resolves once `count` requests have been recorded. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => this.requests.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.requests.length < w.count);
    for (const w of ready) w.resolve();
  }

  private next(res: ServerResponse): void {
    const inv = this.script.shift();
    if (!inv) {
      this.held.push(res);
      return;
    }
    const payload = Buffer.from(JSON.stringify(inv.event));
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': payload.length,
      [RUNTIME_HEADER.requestId]: inv.requestId,
      [RUNTIME_HEADER.deadlineMs]: Date.now() + FUNCTION.timeoutMs,
      [RUNTIME_HEADER.functionArn]: FUNCTION.arn,
      ...inv.headers,
    });
    res.end(payload);
  }
}

/** Starts a client against a Runtime API address directly (no environment), so its exit status can be observed. */
export function spawnClient(client: ClientKind, taskRoot: string, handler: string, runtimeApi: string): {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
} {
  const { command, args } = clientCommand(client);
  const child = spawn(command, args, { cwd: taskRoot, env: clientEnv(taskRoot, handler, runtimeApi), stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => text };
}
