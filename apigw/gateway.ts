// One request through API Gateway: route, preflight, event, Lambda limits, invocation with the integration timeout, result → response.
import type { ApiKind } from '../src/core/model.js';
import type { Clock, IdSource } from '../src/core/ids.js';
import type { InvokeResult, Invoker } from '../src/core/invoke.js';
import type { Logger } from '../src/core/logger.js';
import { newIdentity, type GatewaySettings, type RequestIdentity } from './context.js';
import { applyHttpCors, httpPreflightResponse, isPreflight, restCorsMockResponse } from './cors.js';
import { gatewayError, withGatewayHeaders, type GatewayErrorReason } from './errors.js';
import { buildEventV1 } from './event-v1.js';
import { buildEventV2, type IntegrationMatch } from './event-v2.js';
import { checkEventSize, describeBreach, type LimitBreach } from './limits.js';
import { headerLines, headerValue, splitUrl, type GatewayRequest, type HeaderLine } from './request.js';
import { responseFromV1, responseFromV2, type GatewayResponse } from './response.js';
import { matchRequest, ownerOf, type RouteTable } from './router.js';
import { HEADER } from './wire.js';

/** What the gateway needs, injected by the server (and by tests). */
export interface GatewayDeps {
  table: RouteTable;
  invokerFor(functionName: string): Invoker;
  logger: Logger;
  clock: Clock;
  ids: IdSource;
  settings: GatewaySettings;
  /** Integration timeout per API kind, ms. */
  timeoutsMs: Record<ApiKind, number>;
}

/** The outcome of one request: the response, and whether the function was invoked (for logs and tests). */
export interface GatewayOutcome {
  response: GatewayResponse;
  functionName?: string;
  invoked: boolean;
}

const TIMED_OUT = Symbol('integration timeout');

/** The request pipeline, free of sockets: the server captures the request, this answers it. */
export class Gateway {
  constructor(private readonly deps: GatewayDeps) {}

  /** The API kind that answers for a path (its gateway errors and id headers follow that kind). */
  kindOf(url: string): ApiKind {
    const owner = ownerOf(this.deps.table, splitUrl(url).rawPath);
    return owner ? owner.group.apis[0]!.kind : this.deps.table.unownedKind;
  }

  /** The identity of a new request to an API of this kind. */
  identity(kind: ApiKind, rawHeaders: readonly string[]): RequestIdentity {
    return newIdentity(kind, this.deps.clock, this.deps.ids, headerValue(headerLines(rawHeaders), HEADER.traceId));
  }

  /** A gateway error refusing a request over a limit, with one warn line naming the limit and the excess. */
  refuse(kind: ApiKind, identity: RequestIdentity, breach: LimitBreach, request: { method: string; url: string }): GatewayResponse {
    const reason: GatewayErrorReason = breach.limit === 'request-headers' ? 'headers-too-large' : breach.limit === 'api-payload' ? 'payload-too-large' : 'invocation-rejected';
    this.deps.logger.warn({ ...describeBreach(breach), method: request.method, url: request.url, requestId: identity.requestId }, `request refused: ${LIMIT_TEXT[breach.limit]}`);
    return withGatewayHeaders(gatewayError(kind, reason), kind, identity);
  }

  /** Answers one fully read request. */
  async handle(req: GatewayRequest, identity: RequestIdentity): Promise<GatewayOutcome> {
    const { table } = this.deps;
    const lines = headerLines(req.rawHeaders);
    const { rawPath } = splitUrl(req.url);

    // HTTP API answers preflights itself when CORS is configured, whatever the routes.
    if (isPreflight(req.method, lines)) {
      const target = matchRequest(table, headerValue(lines, HEADER.corsRequestMethod)!.toUpperCase(), rawPath);
      const api = target.kind === 'no-stage' ? undefined : target.api;
      if (api?.kind === 'http' && api.cors) return { response: withGatewayHeaders(httpPreflightResponse(api.cors, lines), 'http', identity), invoked: false };
    }

    const match = matchRequest(table, req.method, rawPath);
    switch (match.kind) {
      case 'no-stage':
        return { response: withGatewayHeaders(gatewayError(match.apiKind, 'no-stage'), match.apiKind, identity), invoked: false };
      case 'no-route':
        return { response: withGatewayHeaders(gatewayError(match.api.kind, 'no-route'), match.api.kind, identity), invoked: false };
      case 'cors-mock':
        return { response: withGatewayHeaders(restCorsMockResponse(match.api.cors!, match.allowMethods), 'rest', identity), invoked: false };
      case 'integration':
        return this.integrate(req, lines, match, identity);
    }
  }

  private async integrate(req: GatewayRequest, lines: readonly HeaderLine[], match: IntegrationMatch, identity: RequestIdentity): Promise<GatewayOutcome> {
    const { api, route } = match;
    const kind = api.kind;
    const functionName = route.functionName;
    // Made only when there is something to log: a child logger per request costs on the hot path.
    let child: Logger | undefined;
    const log = () => (child ??= this.deps.logger.child({ requestId: identity.requestId, fn: functionName, routeKey: route.routeKey }));
    const finish = (response: GatewayResponse, invoked: boolean): GatewayOutcome => ({
      response: withGatewayHeaders(kind === 'http' && api.cors ? applyHttpCors(api.cors, lines, response) : response, kind, identity),
      functionName,
      invoked,
    });
    const fail = (reason: GatewayErrorReason, invoked: boolean) => finish(gatewayError(kind, reason), invoked);

    const event = route.payloadFormatVersion === '2.0' ? buildEventV2(req, match, identity, this.deps.settings) : buildEventV1(req, match, identity, this.deps.settings);
    const payload = Buffer.from(JSON.stringify(event));
    // Lambda measures the serialised event: a body under 10 MB can still fail here once base64 grows it.
    const breach = checkEventSize(payload.length);
    if (breach) return finish(this.refuse(kind, identity, breach, req), false);

    let invoker: Invoker;
    try {
      invoker = this.deps.invokerFor(functionName);
    } catch (err) {
      log().error({ err }, `no function "${functionName}" to invoke`);
      return fail('invocation-rejected', false);
    }

    let result: InvokeResult | typeof TIMED_OUT;
    try {
      result = await this.withIntegrationTimeout(invoker.invoke({ payload, traceId: identity.traceId }), this.deps.timeoutsMs[kind], log);
    } catch (err) {
      log().error({ err }, 'the invocation could not run');
      return fail('invocation-rejected', true);
    }

    if (result === TIMED_OUT) {
      log().warn({ timeoutMs: this.deps.timeoutsMs[kind] }, `integration timeout: no result within ${this.deps.timeoutsMs[kind]} ms`);
      return fail('integration-timeout', true);
    }
    // The runtime's signal decides, never the body's shape (spec §7.5).
    if (!result.ok && result.kind === 'throttled') {
      log().warn({ reason: result.reason }, 'Lambda throttled the invocation');
      return fail('invocation-rejected', true);
    }
    if (!result.ok) {
      log().info({ kind: result.kind, errorType: result.error.errorType }, `the function failed (${result.kind}): ${result.error.errorType}`);
      return fail('integration-failure', true);
    }
    const parsed =
      route.payloadFormatVersion === '2.0'
        ? responseFromV2(result.payload)
        : responseFromV1(result.payload, { apiKind: kind, accept: headerValue(lines, HEADER.accept), binaryMediaTypes: api.binaryMediaTypes });
    if (!parsed.ok) {
      log().warn({ detail: parsed.detail }, `malformed Lambda proxy response: ${parsed.detail}`);
      return fail(parsed.reason === 'bad-base64' ? 'configuration-error' : 'integration-failure', true);
    }
    return finish(parsed.response, true);
  }

  /** Races the invocation against the integration timeout; a late result is only logged (Lambda keeps running, as in AWS). */
  private async withIntegrationTimeout(call: Promise<InvokeResult>, timeoutMs: number, log: () => Logger): Promise<InvokeResult | typeof TIMED_OUT> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
      // The client's socket keeps the process alive while it waits; the timer alone must not.
      timer.unref();
    });
    try {
      const outcome = await Promise.race([call, timeout]);
      if (outcome === TIMED_OUT) {
        call.then(
          (late) => log().debug({ ok: late.ok }, 'the invocation ended after the gateway had answered'),
          (err: unknown) => log().debug({ err }, 'the invocation failed after the gateway had answered'),
        );
      }
      return outcome;
    } finally {
      clearTimeout(timer);
    }
  }
}

const LIMIT_TEXT: Record<LimitBreach['limit'], string> = {
  'request-headers': 'request line and headers exceed API Gateway\'s 10,240-byte limit',
  'api-payload': 'body exceeds API Gateway\'s 10 MB payload limit',
  'lambda-payload': 'event exceeds Lambda\'s 6,291,456-byte synchronous payload limit; the function was not invoked',
};
