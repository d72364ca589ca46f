// Lambda authorizer events (TOKEN, REQUEST payload 1.0, REQUEST payload 2.0) as pure functions of the request view, shaped as AWS documents them.
import { headerValuesOf, queryPairsOf } from './identity.js';
import type { AuthRequestView } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `dd/Mon/yyyy:HH:mm:ss +0000` (the format of `requestTime` / `time`). */
export function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/**
 * `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`: the `methodArn` (REST,
 * HTTP 1.0) and `routeArn` (HTTP 2.0) a policy is matched against, with the path below the stage and
 * without its leading `/` (AWS examples: `.../abcdef123/test/GET/request`).
 */
export function executeApiArn(view: AuthRequestView): string {
  return `arn:${view.partition}:execute-api:${view.region}:${view.accountId}:${view.apiId}/${view.stage}/${view.method}/${view.path.replace(/^\//, '')}`;
}

/** REST `type: TOKEN` event (AWS "Input to an API Gateway Lambda authorizer", TOKEN). */
export interface TokenAuthorizerEvent {
  type: 'TOKEN';
  authorizationToken: string;
  methodArn: string;
}

export function buildTokenEvent(view: AuthRequestView, token: string): TokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken: token, methodArn: executeApiArn(view) };
}

/** A REQUEST event in payload 1.0 (REST, and HTTP API with `AuthorizerPayloadFormatVersion: 1.0`). */
export interface RequestAuthorizerEventV1 {
  version?: '1.0';
  type: 'REQUEST';
  methodArn: string;
  identitySource?: string;
  authorizationToken?: string;
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string>;
  multiValueQueryStringParameters: Record<string, string[]>;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
  requestContext: Record<string, unknown>;
}

const NULL_IDENTITY_KEYS = ['accessKey', 'accountId', 'apiKey', 'apiKeyId', 'caller', 'cognitoAuthenticationProvider', 'cognitoAuthenticationType', 'cognitoIdentityId', 'cognitoIdentityPoolId', 'principalOrgId', 'user', 'userArn'];

const plain = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/**
 * Builds a REQUEST payload 1.0 event. Unlike the proxy event, empty maps are `{}`, not null
 * (AWS's REST REQUEST example has `"pathParameters": {}`), and there is no body.
 * HTTP API 1.0 adds `version`, `identitySource` and `authorizationToken`, the identity values comma-joined
 * (AWS "Lambda authorizers for HTTP APIs", payload 1.0 example: `"identitySource": "user1,123"`).
 */
export function buildRequestEventV1(view: AuthRequestView, identityValues: readonly string[]): RequestAuthorizerEventV1 {
  const rest = view.apiKind === 'rest';
  const headers = plain<string>();
  const multiValueHeaders = plain<string[]>();
  const spelling = new Map<string, string>();
  for (const { name, value } of view.headers) {
    const lower = name.toLowerCase();
    // REST keeps the client's spelling (first wins); HTTP API lower-cases names. The last value wins in `headers`.
    const key = spelling.get(lower) ?? (rest ? name : lower);
    spelling.set(lower, key);
    headers[key] = value;
    (multiValueHeaders[key] ??= []).push(value);
  }
  const query = plain<string>();
  const multiQuery = plain<string[]>();
  for (const [k, v] of queryPairsOf(view.rawQuery)) {
    query[k] = v;
    (multiQuery[k] ??= []).push(v);
  }
  const userAgent = headerValuesOf(view, 'user-agent')[0] ?? null;
  const identity: Record<string, string | null> = {};
  for (const key of NULL_IDENTITY_KEYS) identity[key] = null;
  identity.sourceIp = view.sourceIp;
  identity.userAgent = userAgent;
  const methodArn = executeApiArn(view);
  const resource = rest ? view.resource : view.routeKey.replace(/^[A-Z]+ /, '');
  const event: RequestAuthorizerEventV1 = {
    type: 'REQUEST',
    methodArn,
    resource,
    path: rest ? view.path : view.fullPath,
    httpMethod: view.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: multiQuery,
    pathParameters: { ...view.pathParameters },
    stageVariables: { ...view.stageVariables },
    requestContext: {
      accountId: view.accountId,
      apiId: view.apiId,
      domainName: view.domainName,
      domainPrefix: view.domainName.split('.')[0],
      extendedRequestId: view.extendedRequestId,
      httpMethod: view.method,
      identity,
      path: view.fullPath,
      protocol: view.protocol,
      requestId: view.requestId,
      requestTime: requestTime(view.timeEpochMs),
      requestTimeEpoch: view.timeEpochMs,
      resourceId: null,
      resourcePath: resource,
      stage: view.stage,
    },
  };
  if (rest) return event;
  const joined = identityValues.join(',');
  const { type, methodArn: arn, ...fields } = event;
  return { version: '1.0', type, methodArn: arn, identitySource: joined, authorizationToken: joined, ...fields };
}

/** A REQUEST event in payload 2.0 (HTTP API). */
export interface RequestAuthorizerEventV2 {
  version: '2.0';
  type: 'REQUEST';
  routeArn: string;
  identitySource: string[];
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
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
}

/**
 * Builds a REQUEST payload 2.0 event: the proxy event's fields without body, plus `type`, `routeArn`
 * and `identitySource` as a list of values (AWS "Lambda authorizers for HTTP APIs", payload 2.0 example).
 */
export function buildRequestEventV2(view: AuthRequestView, identityValues: readonly string[]): RequestAuthorizerEventV2 {
  const headers = plain<string>();
  const cookies: string[] = [];
  for (const { name, value } of view.headers) {
    const key = name.toLowerCase();
    // Cookie headers move to `cookies`, one entry per pair; other duplicates are comma-joined (payload 2.0 rules).
    if (key === 'cookie') {
      for (const part of value.split(';')) if (part.trim() !== '') cookies.push(part.trim());
      continue;
    }
    headers[key] = key in headers ? `${headers[key]},${value}` : value;
  }
  const query = plain<string>();
  for (const [k, v] of queryPairsOf(view.rawQuery)) query[k] = k in query ? `${query[k]},${v}` : v;
  const event: RequestAuthorizerEventV2 = {
    version: '2.0',
    type: 'REQUEST',
    routeArn: executeApiArn(view),
    identitySource: [...identityValues],
    routeKey: view.routeKey,
    rawPath: view.fullPath,
    rawQueryString: view.rawQuery,
    headers,
    requestContext: {
      accountId: view.accountId,
      apiId: view.apiId,
      domainName: view.domainName,
      domainPrefix: view.domainName.split('.')[0]!,
      http: { method: view.method, path: view.fullPath, protocol: view.protocol, sourceIp: view.sourceIp, userAgent: headerValuesOf(view, 'user-agent')[0] ?? '' },
      requestId: view.requestId,
      routeKey: view.routeKey,
      stage: view.stage,
      time: requestTime(view.timeEpochMs),
      timeEpoch: view.timeEpochMs,
    },
  };
  // As in the proxy event, empty collections are omitted.
  if (cookies.length > 0) event.cookies = cookies;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (Object.keys(view.pathParameters).length > 0) event.pathParameters = { ...view.pathParameters };
  if (Object.keys(view.stageVariables).length > 0) event.stageVariables = { ...view.stageVariables };
  return event;
}
