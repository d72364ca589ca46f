// Request → Function URL event (payload 2.0 as Function URLs build it): a pure function of request, URL settings and identity.
import { httpApiRequestBody } from '../body.js';
import { formatRequestTime, type RequestIdentity } from '../context.js';
import { decodedRawPath, forwardedHeaders } from '../event-v2.js';
import { clientIp, headerLines, headerValue, queryPairs, requestMap, splitCookies, splitUrl, type GatewayRequest } from '../request.js';
import { DEFAULT_ROUTE, DEFAULT_STAGE, HEADER } from '../wire.js';

/** Facts of one Function URL that only AWS would know; the emulator fills them from options. */
export interface FunctionUrlSettings {
  /** The URL id, AWS's 32-character lower-case label (`<url-id>.lambda-url.<region>.on.aws`). */
  urlId: string;
  region: string;
  accountId: string;
}

/** The caller as SigV4 verification established it (`AuthType: AWS_IAM`), for `requestContext.authorizer.iam`. */
export interface IamCaller {
  accessKey: string;
  accountId: string;
  callerId: string;
  userArn: string;
  userId: string;
}

/** A Function URL event (the shape of `@types/aws-lambda`'s `LambdaFunctionURLEvent`). */
export interface FunctionUrlEvent {
  version: '2.0';
  routeKey: '$default';
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    authorizer?: { iam: IamCaller & { cognitoIdentity: null; principalOrgId: null } };
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: '$default';
    stage: '$default';
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

/** `https://<url-id>.lambda-url.<region>.on.aws` (AWS "Invoking Lambda function URLs"). */
export const FUNCTION_URL_DOMAIN = (urlId: string, region: string): string => `${urlId}.lambda-url.${region}.on.aws`;

/**
 * Builds the event of one request. Function URLs have one route and no stage, so `routeKey` and
 * `stage` carry the `$default` sentinel and the path is never prefixed (Powertools'
 * LambdaFunctionUrlSchema docs); `requestContext.accountId` is `anonymous` for `AuthType: NONE`
 * and the caller's account with `authorizer.iam` for AWS_IAM (AWS "Request payload format").
 */
export function buildFunctionUrlEvent(req: GatewayRequest, settings: FunctionUrlSettings, identity: RequestIdentity, iam?: IamCaller): FunctionUrlEvent {
  const lines = headerLines(req.rawHeaders);
  const { rawQuery } = splitUrl(req.url);
  const rawPath = decodedRawPath(req);

  // As in payload 2.0: names lower-cased, repeats comma-joined, Cookie moved to `cookies`.
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
  // Text media types pass as text, anything else base64 — the same rule HTTP API applies.
  const { body, isBase64Encoded } = httpApiRequestBody(req.body, headerValue(lines, HEADER.contentType));

  // The real domain, not the emulator's 127.0.0.1:PORT host, so code that parses it sees AWS's shape.
  const domainName = FUNCTION_URL_DOMAIN(settings.urlId, settings.region);
  const event: FunctionUrlEvent = {
    version: '2.0',
    routeKey: DEFAULT_ROUTE,
    rawPath,
    rawQueryString: rawQuery,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: iam ? iam.accountId : 'anonymous',
      apiId: settings.urlId,
      ...(iam ? { authorizer: { iam: { ...iam, cognitoIdentity: null, principalOrgId: null } } } : {}),
      domainName,
      domainPrefix: settings.urlId,
      http: {
        method: req.method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: clientIp(req.sourceIp),
        userAgent: headerValue(lines, HEADER.userAgent) ?? '',
      },
      requestId: identity.requestId,
      routeKey: DEFAULT_ROUTE,
      stage: DEFAULT_STAGE,
      time: formatRequestTime(identity.timeEpochMs),
      timeEpoch: identity.timeEpochMs,
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
  };
  return event;
}
