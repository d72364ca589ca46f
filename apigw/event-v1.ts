// Request → payload 1.0 event: REST proxy events, and HTTP API routes with PayloadFormatVersion 1.0 (spec §3).
import { formatRequestTime, type GatewaySettings, type RequestIdentity } from './context.js';
import { domainOf, forwardedHeaders, type IntegrationMatch } from './event-v2.js';
import { clientIp, headerLines, headerValue, queryPairs, requestMap, splitUrl, type GatewayRequest } from './request.js';
import { HEADER } from './wire.js';

type Nullable<T> = T | null;

/** A payload 1.0 event (the shape of `@types/aws-lambda`'s `APIGatewayProxyEvent`). */
export interface EventV1 {
  version?: '1.0';
  resource: string;
  path: string;
  httpMethod: string;
  headers: Nullable<Record<string, string>>;
  multiValueHeaders: Nullable<Record<string, string[]>>;
  queryStringParameters: Nullable<Record<string, string>>;
  multiValueQueryStringParameters: Nullable<Record<string, string[]>>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    extendedRequestId: string;
    httpMethod: string;
    identity: Record<string, string | null>;
    path: string;
    protocol: string;
    requestId: string;
    requestTime: string;
    requestTimeEpoch: number;
    resourceId: string | null;
    resourcePath: string;
    stage: string;
  };
  pathParameters: Nullable<Record<string, string>>;
  stageVariables: Nullable<Record<string, string>>;
  body: Nullable<string>;
  isBase64Encoded: boolean;
}

/** The keys of `requestContext.identity` that stay null without IAM, Cognito or API keys (AWS REST example event). */
const NULL_IDENTITY_KEYS = [
  'accessKey',
  'accountId',
  'apiKey',
  'apiKeyId',
  'caller',
  'cognitoAuthenticationProvider',
  'cognitoAuthenticationType',
  'cognitoIdentityId',
  'cognitoIdentityPoolId',
  'principalOrgId',
] as const;

const nullIfEmpty = <T extends object>(map: T): T | null => (Object.keys(map).length > 0 ? map : null);

/** Builds the payload 1.0 event of one request, with the route's kind's 1.0 rules (REST, or HTTP API 1.0). */
export function buildEventV1(req: GatewayRequest, match: IntegrationMatch, identity: RequestIdentity, settings: GatewaySettings): EventV1 {
  const { api, route } = match;
  const rules = match.profile.v1Event;
  const lines = headerLines(req.rawHeaders);
  const { rawQuery } = splitUrl(req.url);

  // `headers` holds the last value of a repeated header, `multiValueHeaders` every value (AWS doc).
  // REST keeps the client's casing (first spelling wins); HTTP API lower-cases names.
  const canonical = new Map<string, string>();
  const headers = requestMap<string>();
  const multiValueHeaders = requestMap<string[]>();
  const put = (name: string, value: string, replace: boolean) => {
    const lower = name.toLowerCase();
    const key = canonical.get(lower) ?? (rules.keepsHeaderCase ? name : lower);
    canonical.set(lower, key);
    headers[key] = value;
    multiValueHeaders[key] = replace || !multiValueHeaders[key] ? [value] : [...multiValueHeaders[key]!, value];
  };
  for (const { name, value } of lines) put(name, value, false);
  for (const [name, value] of forwardedHeaders(req, lines, identity)) put(rules.addedHeaderName(name), value, true);

  // The last value of a repeated key wins; a key without a value is `""` (AWS doc, SAM agrees).
  const query = requestMap<string>();
  const multiQuery = requestMap<string[]>();
  for (const [key, value] of queryPairs(rawQuery)) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }

  const contentType = headerValue(lines, HEADER.contentType);
  const { body, isBase64Encoded } = rules.body(req.body, contentType, api);
  const userAgent = headerValue(lines, HEADER.userAgent);
  const identityFields: Record<string, string | null> = {};
  for (const key of NULL_IDENTITY_KEYS) identityFields[key] = null;
  identityFields.sourceIp = clientIp(req.sourceIp);
  identityFields.user = null;
  identityFields.userAgent = userAgent ?? null;
  identityFields.userArn = null;

  const { path: eventPath, contextPath } = rules.paths(req, match);
  const resource = route.path;

  const event: EventV1 = {
    resource,
    path: eventPath,
    httpMethod: req.method,
    headers: nullIfEmpty(headers),
    multiValueHeaders: nullIfEmpty(multiValueHeaders),
    queryStringParameters: nullIfEmpty(query),
    multiValueQueryStringParameters: nullIfEmpty(multiQuery),
    requestContext: {
      accountId: settings.accountId,
      apiId: api.apiGatewayId,
      ...domainOf(lines, api, settings),
      extendedRequestId: identity.extendedRequestId,
      httpMethod: req.method,
      identity: identityFields,
      path: contextPath,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: identity.requestId,
      requestTime: formatRequestTime(identity.timeEpochMs),
      requestTimeEpoch: identity.timeEpochMs,
      resourceId: rules.resourceId(api, resource),
      resourcePath: resource,
      stage: api.stageName,
    },
    pathParameters: nullIfEmpty({ ...match.pathParameters }),
    stageVariables: nullIfEmpty({ ...api.stageVariables }),
    body: body ?? null,
    isBase64Encoded,
  };
  return rules.version ? { version: rules.version, ...event } : event;
}
