// One request through API Gateway: route, preflight, event, Lambda limits, invocation with the integration timeout, result → response.
import type { ApiKind } from '../src/core/model.js';
import type { Clock, IdSource } from '../src/core/ids.js';
import { isStreamed, type InvokeResult, type Invoker, type StreamingInvoker } from '../src/core/invoke.js';
import type { Logger } from '../src/core/logger.js';
import { drainStream } from '../src/core/stream-shaping.js';
import { newIdentity, type GatewaySettings, type RequestIdentity } from './context.js';
import { isPreflight } from './cors.js';
import { gatewayError, withGatewayHeaders, type GatewayErrorReason } from './errors.js';
import type { IntegrationMatch } from './event-v2.js';
import type { KindProfile } from './kinds/index.js';
import { readMetadata, type PreludeReader } from './function-url/response.js';
import { checkEventSize, describeBreach, type LimitBreach } from './limits.js';
import { headerLines, headerValue, splitUrl, type GatewayRequest, type HeaderLine } from './request.js';
import type { GatewayResponse } from './response.js';
import { matchRequest, ownerOf, type RouteTable } from './router.js';
import { HEADER } from './wire.js';
import { applyAllow, authView } from './auth-gate.js';
import { authorize, type AuthorizationDeps } from './auth/index.js';

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
  /** Authorizers and API keys, made once per gateway; absent with `--disable-authorizer` (routes are open). */
  authorization?: AuthorizationDeps;
}

/** The outcome of one request: the response, and whether the function was invoked (for logs and tests). */
export interface GatewayOutcome {
  response: GatewayResponse;
  functionName?: string;
  invoked: boolean;
  /**
   * A streamed route's body after `response` (its status and headers; its own body is empty): the
   * chunks as the function writes them, and how the invocation ended (a failure cuts the response).
   */
  stream?: { body: AsyncIterable<Buffer>; outcome: Promise<InvokeResult> };
}

const TIMED_OUT = Symbol('integration timeout');

/** The request pipeline, free of sockets: the server captures the request, this answers it. */
export class Gateway {
  constructor(private readonly deps: GatewayDeps) {}

  /** The profile of the kind that answers for a path (its gateway errors and id headers follow that kind). */
  profileOf(url: string): KindProfile {
    const owner = ownerOf(this.deps.table, splitUrl(url).rawPath);
    return owner ? owner.group.profile : this.deps.table.unowned;
  }

  /** The identity of a new request to an API of this kind. */
  identity(profile: KindProfile, rawHeaders: readonly string[]): RequestIdentity {
    return newIdentity(profile, this.deps.clock, this.deps.ids, rawHeaderValue(rawHeaders, HEADER.traceId));
  }

  /** A gateway error refusing a request over a limit, with one warn line naming the limit and the excess. */
  refuse(profile: KindProfile, identity: RequestIdentity, breach: LimitBreach, request: { method: string; url: string }): GatewayResponse {
    const reason: GatewayErrorReason = breach.limit === 'request-headers' ? 'headers-too-large' : breach.limit === 'api-payload' ? 'payload-too-large' : 'invocation-rejected';
    this.deps.logger.warn({ ...describeBreach(breach), method: request.method, url: request.url, requestId: identity.requestId }, `request refused: ${LIMIT_TEXT[breach.limit]}`);
    return withGatewayHeaders(gatewayError(profile, reason), profile, identity);
  }

  /** Answers one fully read request. */
  async handle(req: GatewayRequest, identity: RequestIdentity): Promise<GatewayOutcome> {
    const { table } = this.deps;
    const lines = headerLines(req.rawHeaders);
    const { rawPath } = splitUrl(req.url);

    // A kind that answers preflights itself (HTTP API with CORS) does so whatever the routes.
    if (isPreflight(req.method, lines)) {
      const target = matchRequest(table, headerValue(lines, HEADER.corsRequestMethod)!.toUpperCase(), rawPath);
      const cors = target.kind === 'no-stage' ? undefined : target.api.cors;
      if (cors && target.profile.preflight) return { response: withGatewayHeaders(target.profile.preflight(cors, lines), target.profile, identity), invoked: false };
    }

    const match = matchRequest(table, req.method, rawPath);
    const answer = (response: GatewayResponse): GatewayOutcome => ({ response: withGatewayHeaders(response, match.profile, identity), invoked: false });
    switch (match.kind) {
      case 'no-stage':
      case 'no-route':
        return answer(gatewayError(match.profile, match.kind));
      case 'cors-mock':
        // The router makes a mock only for a kind that has one, on an API with CORS.
        return answer(match.profile.corsMock!(match.api.cors!, match.allowMethods));
      case 'integration':
        return this.integrate(req, lines, match, identity);
    }
  }

  private async integrate(req: GatewayRequest, lines: readonly HeaderLine[], match: IntegrationMatch, identity: RequestIdentity): Promise<GatewayOutcome> {
    const { api, route, profile } = match;
    const functionName = route.functionName;
    // Made only when there is something to log: a child logger per request costs on the hot path.
    let child: Logger | undefined;
    const log = () => (child ??= this.deps.logger.child({ requestId: identity.requestId, fn: functionName, routeKey: route.routeKey }));
    const finish = (response: GatewayResponse, invoked: boolean): GatewayOutcome => ({
      response: withGatewayHeaders(api.cors ? profile.applyCors(api.cors, lines, response) : response, profile, identity),
      functionName,
      invoked,
    });
    const fail = (reason: GatewayErrorReason, invoked: boolean) => finish(gatewayError(profile, reason), invoked);

    const event = profile.buildEvent(req, match, identity, this.deps.settings);
    // After the route match and CORS preflight, before the integration: the authorizer and the API key decide.
    if (route.auth && this.deps.authorization) {
      const decision = await authorize(route.auth, authView(req, match, identity, this.deps.settings, event), this.deps.authorization);
      if (!decision.allow) {
        const level = decision.status >= 500 ? 'error' : 'info';
        log()[level]({ status: decision.status }, `request refused: ${decision.reason}`);
        return finish({ statusCode: decision.status, headers: Object.entries(decision.headers), body: Buffer.from(decision.body) }, false);
      }
      applyAllow(event, decision);
    }
    const payload = Buffer.from(JSON.stringify(event));
    // Lambda measures the serialised event: a body under 10 MB can still fail here once base64 grows it.
    const breach = checkEventSize(payload.length);
    if (breach) return finish(this.refuse(profile, identity, breach, req), false);

    let invoker: Invoker;
    try {
      invoker = this.deps.invokerFor(functionName);
    } catch (err) {
      log().error({ err }, `no function "${functionName}" to invoke`);
      return fail('invocation-rejected', false);
    }

    const reader = profile.delivery(route) === 'streamed' ? profile.streamPrelude?.() : undefined;
    if (reader && 'invokeStream' in invoker) return this.integrateStreamed(invoker as StreamingInvoker, reader, payload, match, identity, finish, fail, log);

    let result: InvokeResult | typeof TIMED_OUT;
    try {
      const call = invoker.invoke({ payload, traceId: identity.traceId });
      // A function held at a breakpoint answers when the debugger lets it go, not at the integration timeout.
      result = invoker.debugged ? await call : await this.withIntegrationTimeout(call, this.deps.timeoutsMs[profile.kind], log);
    } catch (err) {
      log().error({ err }, 'the invocation could not run');
      return fail('invocation-rejected', true);
    }

    if (result === TIMED_OUT) {
      log().warn({ timeoutMs: this.deps.timeoutsMs[profile.kind] }, `integration timeout: no result within ${this.deps.timeoutsMs[profile.kind]} ms`);
      return fail('integration-timeout', true);
    }
    // The runtime's signal decides, never the body's shape (spec §7.5).
    if (!result.ok) {
      if (result.kind === 'throttled') log().warn({ reason: result.reason }, 'Lambda throttled the invocation');
      else log().info({ kind: result.kind, errorType: result.error.errorType }, `the function failed (${result.kind}): ${result.error.errorType}`);
      return fail(profile.failures[result.kind], true);
    }
    const parsed = profile.parseResult(result.payload, match, lines);
    if (!parsed.ok) {
      log().warn({ detail: parsed.detail }, `malformed Lambda proxy response: ${parsed.detail}`);
      return fail(parsed.reason === 'bad-base64' ? 'configuration-error' : 'integration-failure', true);
    }
    return finish(parsed.response, true);
  }

  /**
   * A streamed route (REST ResponseTransferMode STREAM): the function is invoked for a stream; once its
   * metadata (status, headers, cookies, 8 NUL bytes) has come, the response starts and the rest of the
   * body follows as it is written. A failure before the metadata is the kind's gateway error; one after
   * it cuts the response. The integration timeout bounds the wait for the metadata *(unverified: AWS
   * allows streamed integrations up to 15 minutes; the function's Timeout ends the stream here)*.
   */
  private async integrateStreamed(
    invoker: StreamingInvoker,
    reader: PreludeReader,
    payload: Buffer,
    match: IntegrationMatch,
    identity: RequestIdentity,
    finish: (response: GatewayResponse, invoked: boolean) => GatewayOutcome,
    fail: (reason: GatewayErrorReason, invoked: boolean) => GatewayOutcome,
    log: () => Logger,
  ): Promise<GatewayOutcome> {
    const { profile } = match;
    const timeoutMs = this.deps.timeoutsMs[profile.kind];
    const begun = invoker
      .invokeStream({ payload, traceId: identity.traceId })
      .then(async (result) => (isStreamed(result) ? { result, head: await readMetadata(result.body, reader) } : { result, head: undefined }));
    let raced: Awaited<typeof begun> | typeof TIMED_OUT;
    try {
      raced = await this.withIntegrationTimeout(begun, timeoutMs, log);
    } catch (err) {
      log().error({ err }, 'the invocation could not run');
      return fail('invocation-rejected', true);
    }
    if (raced === TIMED_OUT) {
      log().warn({ timeoutMs }, `integration timeout: no response metadata within ${timeoutMs} ms`);
      // The function goes on, as in Lambda; what it still streams is dropped.
      begun.then((late) => (late.head ? drainStream(late.head.rest) : undefined)).catch(() => undefined);
      return fail('integration-timeout', true);
    }
    const failed = (result: InvokeResult, detail?: string): GatewayOutcome => {
      if (!result.ok) {
        log().info({ kind: result.kind, errorType: result.error.errorType }, `the function failed (${result.kind}) before its response metadata`);
        return fail(profile.failures[result.kind], true);
      }
      log().warn({ detail }, `malformed streaming response metadata: ${detail}`);
      return fail('integration-failure', true);
    };
    const { result, head } = raced;
    if (!isStreamed(result)) {
      // The function did not stream: its whole output must still be the metadata, the delimiter and the body.
      if (!result.ok) return failed(result);
      const step = reader.feed(result.payload);
      const done = step.state === 'need-more' ? reader.end() : step;
      if (done.state !== 'done') return failed(result, done.state === 'invalid' ? done.detail : 'incomplete');
      return finish({ statusCode: done.prelude.statusCode, headers: done.prelude.headers, body: Buffer.from(done.rest) }, true);
    }
    if (head!.step.state !== 'done') {
      await drainStream(head!.rest);
      return failed(await result.outcome, head!.step.state === 'invalid' ? head!.step.detail : 'incomplete');
    }
    const answer = finish({ statusCode: head!.step.prelude.statusCode, headers: head!.step.prelude.headers, body: Buffer.alloc(0) }, true);
    return { ...answer, stream: { body: head!.rest, outcome: result.outcome } };
  }

  /** Races the invocation against the integration timeout; a late result is only logged (Lambda keeps running, as in AWS). */
  private async withIntegrationTimeout<T>(call: Promise<T>, timeoutMs: number, log: () => Logger): Promise<T | typeof TIMED_OUT> {
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
          () => log().debug('the invocation ended after the gateway had answered'),
          (err: unknown) => log().debug({ err }, 'the invocation failed after the gateway had answered'),
        );
      }
      return outcome;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The first value of a header, read from Node's raw pairs without making header lines (once per request, before the gateway needs them). */
function rawHeaderValue(rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.length === name.length && rawHeaders[i]!.toLowerCase() === name) return rawHeaders[i + 1];
  return undefined;
}

const LIMIT_TEXT: Record<LimitBreach['limit'], string> = {
  'request-headers': 'request line and headers exceed API Gateway\'s 10,240-byte limit',
  'api-payload': 'body exceeds API Gateway\'s 10 MB payload limit',
  'lambda-payload': 'event exceeds Lambda\'s 6,291,456-byte synchronous payload limit; the function was not invoked',
};
