// Test helpers for the API Gateway front end: in-process invokers standing in for the runtime, API and route builders, a server starter.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { APIGatewayProxyEventSchema, APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas';
import { createLogger, type Logger } from '../../src/core/logger.js';
import { errorBody, type InvokeRequest, type InvokeResult, type Invoker } from '../../src/core/invoke.js';
import type { ApiKind, ApiSpec, CorsSpec, PayloadFormatVersion, RouteSpec } from '../../src/core/model.js';
import { startApiGateway, type ApiGatewayOptions, type ApiGatewayServer } from '../../apigw/index.js';

/** A Lambda handler as frameworks' adapters export it: (event, context) → result. */
export type Handler = (event: any, context: LambdaContext) => unknown;

/** The part of the Lambda context object adapters touch. */
export interface LambdaContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** An Invoker that runs a handler in this process, counting calls and keeping the events it received. */
export interface InProcessInvoker extends Invoker {
  calls: number;
  events: any[];
  requests: InvokeRequest[];
}

/** Every event an invoker received, checked against Powertools' schema for its format; problems collect here. */
export const schemaCheck = { validated: 0, problems: [] as string[] };

function validateEvent(event: { version?: string }): void {
  const schema = event.version === '2.0' ? APIGatewayProxyEventV2Schema : APIGatewayProxyEventSchema;
  const result = schema.safeParse(event);
  schemaCheck.validated++;
  if (!result.success) schemaCheck.problems.push(`${event.version ?? 'REST'} event: ${result.error.message}`);
}

function context(requestId: string, functionName: string): LambdaContext {
  return {
    awsRequestId: requestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '128',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 3000,
  };
}

/**
 * Runs `handler` as the Node runtime would: the event is the parsed payload, a returned value is
 * serialised with JSON.stringify (undefined → null), a throw is a function error with the RIC's shape.
 */
export function inProcessInvoker(handler: Handler, functionName = 'Fn'): InProcessInvoker {
  const invoker: InProcessInvoker = {
    calls: 0,
    events: [],
    requests: [],
    async invoke(request: InvokeRequest): Promise<InvokeResult> {
      invoker.calls++;
      invoker.requests.push(request);
      const requestId = request.requestId ?? randomUUID();
      const event = JSON.parse(request.payload.toString('utf8'));
      validateEvent(event);
      invoker.events.push(event);
      try {
        const result = await handler(event, context(requestId, functionName));
        const payload = Buffer.from(JSON.stringify(result === undefined ? null : result));
        return { ok: true, payload, requestId, durationMs: 1, log: '' };
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        return {
          ok: false,
          kind: 'function',
          error: { errorType: e.name, errorMessage: e.message },
          payload: errorBody(e.name, e.message),
          requestId,
          durationMs: 1,
          log: '',
        };
      }
    },
  };
  return invoker;
}

/** An Invoker whose results are given outright: raw payload bytes, failures of any kind, throws. */
export function scriptedInvoker(script: (request: InvokeRequest) => Promise<InvokeResult> | InvokeResult): InProcessInvoker {
  const invoker: InProcessInvoker = {
    calls: 0,
    events: [],
    requests: [],
    async invoke(request) {
      invoker.calls++;
      invoker.requests.push(request);
      const event = JSON.parse(request.payload.toString('utf8'));
      validateEvent(event);
      invoker.events.push(event);
      return script(request);
    },
  };
  return invoker;
}

/** A successful result carrying exactly these bytes. */
export function rawResult(payload: string | Buffer): InvokeResult {
  return { ok: true, payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload), requestId: randomUUID(), durationMs: 1, log: '' };
}

/** A failed result of the given kind. */
export function failure(kind: 'function' | 'init' | 'timeout' | 'exit' | 'response-too-large' | 'runtime', errorType = 'Error', errorMessage = 'boom'): InvokeResult {
  return { ok: false, kind, error: { errorType, errorMessage }, payload: errorBody(errorType, errorMessage), requestId: randomUUID(), durationMs: 1, log: '' };
}

let apiCounter = 0;

/** An API spec with defaults: HTTP API on `$default`, REST on `Prod`. */
export function api(kind: ApiKind, overrides: Partial<ApiSpec> = {}): ApiSpec {
  apiCounter++;
  return {
    logicalId: overrides.logicalId ?? (kind === 'http' ? `HttpApi${apiCounter}` : `RestApi${apiCounter}`),
    kind,
    implicit: false,
    apiGatewayId: overrides.apiGatewayId ?? `api${String(apiCounter).padStart(7, '0')}`,
    stageName: kind === 'http' ? '$default' : 'Prod',
    stageVariables: {},
    binaryMediaTypes: [],
    ...overrides,
  };
}

/** A route of an API: `route(api, 'GET /hello/{name}', 'HelloFn')`, `route(api, '$default', 'Fn')`. */
export function route(of: ApiSpec, key: string, functionName: string, payloadFormatVersion?: PayloadFormatVersion): RouteSpec {
  const [method, path] = key === '$default' ? ['ANY', '$default'] : (key.split(' ') as [string, string]);
  return {
    apiLogicalId: of.logicalId,
    payloadFormatVersion: payloadFormatVersion ?? (of.kind === 'rest' ? '1.0' : '2.0'),
    method,
    path,
    routeKey: key === '$default' ? '$default' : `${method} ${path}`,
    functionLogicalId: functionName,
    functionName,
  };
}

/** CORS settings with defaults (nothing allowed). */
export function cors(overrides: Partial<CorsSpec>): CorsSpec {
  return { allowOrigins: [], allowMethods: [], allowHeaders: [], exposeHeaders: [], allowCredentials: false, ...overrides };
}

/** Starts a gateway on port 0 whose functions are the given invokers; remember to close it. */
export function startWith(
  apis: ApiSpec[],
  routes: RouteSpec[],
  invokers: Record<string, Invoker>,
  options: Partial<ApiGatewayOptions> = {},
): Promise<ApiGatewayServer> {
  return startApiGateway({
    apis,
    routes,
    invokerFor: (name) => {
      const invoker = invokers[name];
      if (!invoker) throw new Error(`no invoker for ${name}`);
      return invoker;
    },
    port: 0,
    ...options,
  });
}

/** A captured request for translator tests. Headers are `[name, value]` lines, in order. */
export function gatewayRequest(init: {
  method?: string;
  url?: string;
  headers?: Array<[string, string]>;
  body?: Buffer | string;
  sourceIp?: string;
}): import('../../apigw/index.js').GatewayRequest {
  return {
    method: init.method ?? 'GET',
    url: init.url ?? '/',
    rawHeaders: (init.headers ?? [['Host', 'localhost:3000'], ['User-Agent', 'curl/8.5.0']]).flat(),
    body: init.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body),
    sourceIp: init.sourceIp ?? '127.0.0.1',
    httpVersion: '1.1',
    scheme: 'http',
    localPort: 3000,
  };
}

/** A fixed request identity (2026-11-21T04:52:47.128Z). */
export const FIXED_IDENTITY = {
  requestId: 'JKJaXmPLvHcESHA=',
  extendedRequestId: 'JKJaXmPLvHcESHA=',
  traceId: 'Root=1-6b1ff1df-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0',
  timeEpochMs: 1795236767128,
};

export const SETTINGS = { accountId: '123456789012', region: 'us-east-1' };

/** A response read off the wire: status, raw header lines, exact body bytes. */
export interface WireResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  /** The first value of a header (case-insensitive). */
  header(name: string): string | undefined;
  /** Every value of a header (case-insensitive). */
  all(name: string): string[];
  json(): any;
}

/** Sends one request with exact header lines (repeats kept) and body, over a fresh connection. */
export function send(
  baseUrl: string,
  init: { method?: string; path?: string; headers?: Array<[string, string]>; body?: Buffer | string; noHost?: boolean },
): Promise<WireResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: init.method ?? 'GET',
        path: init.path ?? '/',
        // Array headers are sent exactly as given, so Host is added unless the test gives (or omits) it on purpose.
        headers: (init.headers?.some(([n]) => n.toLowerCase() === 'host') || init.noHost ? init.headers ?? [] : [['Host', url.host] as [string, string], ...(init.headers ?? [])]).flat(),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Array<[string, string]> = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          const body = Buffer.concat(chunks);
          const all = (name: string) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
          resolve({ status: res.statusCode!, headers, body, all, header: (name) => all(name)[0], json: () => JSON.parse(body.toString('utf8')) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A logger whose JSON records are kept for assertions. */
export function capturingLogger(): { logger: Logger; records: Array<Record<string, any>> } {
  const records: Array<Record<string, any>> = [];
  const logger = createLogger({ level: 'debug', format: 'json', stream: { write: (line: string) => records.push(JSON.parse(line)) } });
  return { logger, records };
}

/** A promise with its resolve function, for handlers that wait on the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
