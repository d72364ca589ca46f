// Request → HTTP API payload 2.0 event, field by field as AWS builds it (spec §2); a pure function of request, match and identity.
import type { ApiSpec, RouteSpec } from '../src/core/model.js';
import { httpApiRequestBody } from './body.js';
import { formatRequestTime, type GatewaySettings, type RequestIdentity } from './context.js';
import {
  clientIp,
  headerLines,
  headerValue,
  hostName,
  queryPairs,
  requestMap,
  safeDecode,
  splitCookies,
  splitUrl,
  type GatewayRequest,
  type HeaderLine,
} from './request.js';
import type { KindProfile } from './kinds/profile.js';
import { EXECUTE_API_DOMAIN, HEADER } from './wire.js';

/** The route a request matched, as the translators need it. */
export interface IntegrationMatch {
  /** The profile of the route's kind, chosen when the routes were compiled. */
  profile: KindProfile;
  api: ApiSpec;
  route: RouteSpec;
  /** Raw path below the stage prefix. */
  stagePath: string;
  /** Decoded path parameters. */
  pathParameters: Record<string, string>;
  /** Reached at the root, without the stage prefix (a REST API as behind a custom domain's empty base path mapping). */
  atRoot?: boolean;
}

/** An HTTP API payload 2.0 event (the shape of `@types/aws-lambda`'s `APIGatewayProxyEventV2`). */
export interface EventV2 {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
  body?: string;
  pathParameters?: Record<string, string>;
  isBase64Encoded: boolean;
  stageVariables?: Record<string, string>;
}

/** Headers API Gateway adds for the integration; a client's values of these are replaced, X-Forwarded-For is appended to. */
export function forwardedHeaders(req: GatewayRequest, lines: readonly HeaderLine[], identity: RequestIdentity): Array<[string, string]> {
  const ip = clientIp(req.sourceIp);
  const previous = headerValue(lines, HEADER.forwardedFor);
  return [
    [HEADER.forwardedFor, previous ? `${previous}, ${ip}` : ip],
    // The port and scheme the client used to reach the gateway: locally that is the emulator's
    // listener, not AWS's 443/https (emulate's choice, so that links an app builds from them work).
    [HEADER.forwardedPort, String(req.localPort)],
    [HEADER.forwardedProto, req.scheme],
    [HEADER.traceId, identity.traceId],
  ];
}

/** `domainName` / `domainPrefix`: the host the client used (as with a custom domain), else the execute-api domain. */
export function domainOf(lines: readonly HeaderLine[], api: ApiSpec, settings: GatewaySettings): { domainName: string; domainPrefix: string } {
  const domainName = hostName(headerValue(lines, HEADER.host)) || EXECUTE_API_DOMAIN(api.apiGatewayId, settings.region);
  // `$context.domainPrefix` is the first label of the domain name (AWS context variables reference).
  return { domainName, domainPrefix: domainName.split('.')[0]! };
}

/** The full request path as HTTP API reports it: decoded *(reported: middleapi/standard-server#93)*, stage prefix kept *(reported: floci#2172)*. */
export function decodedRawPath(req: GatewayRequest): string {
  return safeDecode(splitUrl(req.url).rawPath);
}

/** Builds the payload 2.0 event of one request. */
export function buildEventV2(req: GatewayRequest, match: IntegrationMatch, identity: RequestIdentity, settings: GatewaySettings): EventV2 {
  const { api, route } = match;
  const lines = headerLines(req.rawHeaders);
  const { rawQuery } = splitUrl(req.url);
  const rawPath = decodedRawPath(req);

  // Names lower-cased and duplicates comma-joined; Cookie moves to `cookies` (AWS payload 2.0 doc).
  const headers = requestMap<string>();
  for (const { name, value } of lines) {
    const key = name.toLowerCase();
    if (key === HEADER.cookie) continue;
    headers[key] = key in headers ? `${headers[key]},${value}` : value;
  }
  for (const [name, value] of forwardedHeaders(req, lines, identity)) headers[name] = value;

  const query = requestMap<string>();
  for (const [key, value] of queryPairs(rawQuery)) query[key] = key in query ? `${query[key]},${value}` : value;

  const cookies = splitCookies(lines.filter((l) => l.name.toLowerCase() === HEADER.cookie).map((l) => l.value));
  const { body, isBase64Encoded } = httpApiRequestBody(req.body, headerValue(lines, HEADER.contentType));

  const event: EventV2 = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString: rawQuery,
    headers,
    requestContext: {
      accountId: settings.accountId,
      apiId: api.apiGatewayId,
      ...domainOf(lines, api, settings),
      http: {
        method: req.method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: clientIp(req.sourceIp),
        userAgent: headerValue(lines, HEADER.userAgent) ?? '',
      },
      requestId: identity.requestId,
      routeKey: route.routeKey,
      stage: api.stageName,
      time: formatRequestTime(identity.timeEpochMs),
      timeEpoch: identity.timeEpochMs,
    },
    isBase64Encoded,
  };
  // AWS omits `cookies`, `queryStringParameters`, `pathParameters`, `stageVariables` and `body` when empty.
  if (cookies.length > 0) event.cookies = cookies;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (body !== undefined) event.body = body;
  if (Object.keys(match.pathParameters).length > 0) event.pathParameters = { ...match.pathParameters };
  if (Object.keys(api.stageVariables).length > 0) event.stageVariables = { ...api.stageVariables };
  return orderV2(event);
}

/** Key order of AWS's example event, so that a printed event reads like a real one. */
function orderV2(e: EventV2): EventV2 {
  const out: Partial<EventV2> = { version: e.version, routeKey: e.routeKey, rawPath: e.rawPath, rawQueryString: e.rawQueryString };
  if (e.cookies) out.cookies = e.cookies;
  out.headers = e.headers;
  if (e.queryStringParameters) out.queryStringParameters = e.queryStringParameters;
  out.requestContext = e.requestContext;
  if (e.body !== undefined) out.body = e.body;
  if (e.pathParameters) out.pathParameters = e.pathParameters;
  out.isBase64Encoded = e.isBase64Encoded;
  if (e.stageVariables) out.stageVariables = e.stageVariables;
  return out as EventV2;
}
