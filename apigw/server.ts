// The API Gateway HTTP server: fastify sets up the server and closes it; every request goes from Node's HTTP server straight into the gateway pipeline, so no fastify default answer leaks.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { fastify, type FastifyInstance } from 'fastify';
import type { Clock, IdSource } from '../src/core/ids.js';
import { randomRequestId, systemClock } from '../src/core/ids.js';
import type { Invoker } from '../src/core/invoke.js';
import { silentLogger, type Logger } from '../src/core/logger.js';
import type { ApiSpec, RouteSpec } from '../src/core/model.js';
import { closeServer, formatHostPort, listen } from '../src/core/net.js';
import { LIMITS } from '../src/core/wire.js';
import { clientIp } from './request.js';
import { gatewayError } from './errors.js';
import { Gateway } from './gateway.js';
import type { KindProfile } from './kinds/index.js';
import { checkRequestHeaders, drainBody, integrationTimeouts, readBody, type IntegrationTimeoutOption } from './limits.js';
import { compileRoutes } from './router.js';
import { sendResponse as send, sendStreamed } from './send.js';
import { ApiKeyStore, checkAuthorizerConfig, createAuthorization, type AuthorizationDeps, type JwksOverrides } from './auth/index.js';
import { GATEWAY_DEFAULTS, HEADER } from './wire.js';

/** Options of `startApiGateway`. */
export interface ApiGatewayOptions {
  /** The template's APIs (stage, stage variables, CORS, binary media types per API). */
  apis: readonly ApiSpec[];
  /** The routes to serve. */
  routes: readonly RouteSpec[];
  /** The Invoker of a function, by function name. May throw if there is none. */
  invokerFor(functionName: string): Invoker;
  logger?: Logger;
  clock?: Clock;
  /** Source of request ids (gateway ids are derived from it). */
  ids?: IdSource;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Integration timeout: one value, or per API kind; default HTTP API 30,000 ms, REST 29,000 ms. */
  integrationTimeoutMs?: IntegrationTimeoutOption;
  /** `requestContext.accountId`; default `123456789012`. */
  accountId?: string;
  /** Region of the execute-api domain used when a request has no Host; default `us-east-1`. */
  region?: string;
  /** Authorizers and API keys of the routes. */
  auth?: GatewayAuthOptions;
}

/** Access-control options of the gateway. */
export interface GatewayAuthOptions {
  /** SAM's `--disable-authorizer`: every route is served as if it had no authorizer and no API key. */
  disableAuthorizer?: boolean;
  /** Issuer → local JWKS file or URL (JWT and Cognito authorizers). */
  jwksOverrides?: JwksOverrides;
  /** API key values accepted in `x-api-key` (the template's AWS::ApiGateway::ApiKey values plus local ones). */
  apiKeys?: readonly string[];
}

/** A running API Gateway front end. */
export interface ApiGatewayServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  host: string;
  port: number;
  /** Stops listening and drops every connection; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Node refuses header blocks above this before the gateway sees them; it is well above API
 * Gateway's 10,240 bytes so that almost every oversized request gets AWS's JSON answer.
 */
const NODE_MAX_HEADER_BYTES = 64 * 1024;

/**
 * How much of a refused body is read and dropped before answering, counted from its first byte (so a
 * declared Content-Length refused before reading gets the same allowance as a stream refused at 10 MB):
 * a body somewhat over the limit gets a clean 413; a huge one is cut off (its client may then see the
 * connection close).
 */
const DRAIN_MAX_BYTES = LIMITS.apiPayloadBytes + 8 * 1024 * 1024;
const DRAIN_MAX_MS = 5_000;

/** fastify's keepAliveTimeout default, kept for the server the gateway makes itself. */
const FASTIFY_KEEP_ALIVE_MS = 72_000;

/** Starts the API Gateway front end and resolves once it listens. */
export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGatewayServer> {
  const logger = (options.logger ?? silentLogger()).child({ component: 'apigw' });
  const table = compileRoutes(options.apis, options.routes);
  for (const note of table.notes) logger.warn(note);
  const authorization = makeAuthorization(options, logger);
  const gateway = new Gateway({
    table,
    invokerFor: (name) => options.invokerFor(name),
    logger,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? randomRequestId,
    settings: { accountId: options.accountId ?? GATEWAY_DEFAULTS.accountId, region: options.region ?? GATEWAY_DEFAULTS.region },
    timeoutsMs: integrationTimeouts(options.integrationTimeoutMs),
    ...(authorization ? { authorization } : {}),
  });

  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    serveRequest(gateway, logger, req, res).catch((err: unknown) => {
      logger.error({ err }, 'the gateway failed to answer a request');
      if (!res.headersSent && !res.destroyed) send(res, gatewayError(table.unowned, 'integration-failure'), logger, true);
    });
  };

  // Requests go straight from Node's HTTP server to the gateway (fastify's router, request and reply objects
  // would be made and thrown away for every request: the gateway reads the exact body bytes itself, any content
  // type, any method, 10 MB limit enforced while reading); fastify keeps the server's set-up and its errors.
  const app: FastifyInstance = fastify({
    logger: false,
    serverFactory: () => {
      // HTTP/1.1 without Host still reaches the gateway (its events then name the execute-api domain).
      const server = createServer({ maxHeaderSize: NODE_MAX_HEADER_BYTES, requireHostHeader: false }, serve);
      // fastify's own defaults for the server it would have made: keep-alive 72 s, no request or socket timeout.
      server.keepAliveTimeout = FASTIFY_KEEP_ALIVE_MS;
      server.requestTimeout = 0;
      server.setTimeout(0);
      return server;
    },
    forceCloseConnections: true,
    return503OnClosing: false,
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => answerClientError(error, socket, table.unowned, logger),
  });
  await app.ready();
  // `Expect: 100-continue` with a declared body over 10 MB is refused before the client sends it.
  app.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers[HEADER.contentLength] ?? 0) > LIMITS.apiPayloadBytes) {
      serve(req, res);
      return;
    }
    res.writeContinue();
    app.server.emit('request', req, res);
  });

  const host = options.host ?? '127.0.0.1';
  let port: number;
  try {
    port = await listen(app.server, host, options.port ?? 0);
  } catch (err) {
    await app.close();
    throw err;
  }
  const url = `http://${formatHostPort(host, port)}`;
  logger.debug({ url, routes: options.routes.length }, 'API Gateway listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    close: () =>
      (closing ??= (async () => {
        await closeServer(app.server);
        await app.close();
      })()),
  };
}

async function serveRequest(gateway: Gateway, logger: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const url = req.url ?? '/';
  const method = (req.method ?? 'GET').toUpperCase();
  const profile = gateway.profileOf(url);
  const identity = gateway.identity(profile, req.rawHeaders);

  const headerBreach = checkRequestHeaders(method, url, req.httpVersion, req.rawHeaders);
  if (headerBreach) {
    send(res, gateway.refuse(profile, identity, headerBreach, { method, url }), logger, true);
    return;
  }
  const read = await readBody(req, req.headers[HEADER.contentLength]);
  if ('aborted' in read) {
    logger.debug({ method, url }, 'the client closed the connection before sending the whole body');
    return;
  }
  if (!read.ok) {
    // The rest is read and dropped (bounded) so the client hears the refusal, then the connection closes;
    // a client still waiting for 100 Continue sends nothing more.
    const waitsForContinue = /100-continue/i.test(String(req.headers.expect ?? '')) && Number(req.headers[HEADER.contentLength] ?? 0) > LIMITS.apiPayloadBytes;
    if (!waitsForContinue) await drainBody(req, DRAIN_MAX_BYTES - read.readBytes, DRAIN_MAX_MS);
    send(res, gateway.refuse(profile, identity, read.breach, { method, url }), logger, true);
    return;
  }

  const outcome = await gateway.handle(
    {
      method,
      url,
      rawHeaders: req.rawHeaders,
      body: read.body,
      sourceIp: clientIp(req.socket.remoteAddress),
      httpVersion: req.httpVersion,
      scheme: 'http',
      localPort: req.socket.localPort ?? 0,
    },
    identity,
  );
  if (outcome.stream) await sendStreamed(res, outcome.response, outcome.stream.body, outcome.stream.outcome, logger);
  else send(res, outcome.response, logger, false);
  logger.info(
    { method, url, status: outcome.response.statusCode, fn: outcome.functionName, requestId: identity.requestId, durationMs: Math.round(performance.now() - started) },
    `${method} ${url} ${outcome.response.statusCode}`,
  );
}

/** Requests Node cannot parse (or with headers above its own limit) get a gateway answer on the raw socket. */
function answerClientError(error: Error & { code?: string }, socket: Socket, profile: KindProfile, logger: Logger): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const overflow = error.code === 'HPE_HEADER_OVERFLOW';
  if (overflow) logger.warn({ limit: 'request-headers', limitBytes: LIMITS.apiRequestHeaderBytes, atLeastBytes: NODE_MAX_HEADER_BYTES }, 'request refused: request line and headers exceed API Gateway\'s 10,240-byte limit');
  const response = gatewayError(profile, overflow ? 'headers-too-large' : 'bad-request');
  const head = [`HTTP/1.1 ${response.statusCode} ${overflow ? 'Request Header Fields Too Large' : 'Bad Request'}`];
  for (const [name, value] of response.headers) head.push(`${name}: ${value}`);
  head.push(`Content-Length: ${response.body.length}`, 'Connection: close');
  socket.end(`${head.join('\r\n')}\r\n\r\n${response.body.toString('utf8')}`);
}

/** Checks every authorizer once and builds the shared cache, JWKS resolver and key store; none when disabled. */
function makeAuthorization(options: ApiGatewayOptions, logger: Logger): AuthorizationDeps | undefined {
  const auth = options.auth ?? {};
  const guarded = options.routes.filter((r) => r.auth);
  if (auth.disableAuthorizer) {
    if (guarded.length > 0) logger.warn(`--disable-authorizer: ${guarded.length} route(s) with an authorizer or API key are served open`);
    return undefined;
  }
  const seen = new Set<object>();
  for (const r of guarded) {
    const a = r.auth!.authorizer;
    if (a && !seen.has(a)) {
      seen.add(a);
      checkAuthorizerConfig(a);
    }
  }
  const apiKeys = new ApiKeyStore();
  for (const value of auth.apiKeys ?? []) apiKeys.addLocal(value);
  if (guarded.some((r) => r.auth!.apiKeyRequired) && apiKeys.size === 0) logger.warn('routes require an API key but none is known: give one with --api-key (or an AWS::ApiGateway::ApiKey Value)');
  return createAuthorization({
    invokeAuthorizer: async (name, event) => options.invokerFor(name).invoke({ payload: event }),
    clock: options.clock ?? systemClock,
    ...(auth.jwksOverrides ? { jwksOverrides: auth.jwksOverrides } : {}),
    apiKeys,
  });
}
