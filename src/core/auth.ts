// Access-control settings of a route as the template declares them (authorizer kinds mirroring SAM's properties); read by src/template, enforced by apigw/auth.

/** REST `Type: TOKEN` Lambda authorizer (SAM `FunctionPayloadType: TOKEN`, the default). */
export interface LambdaTokenAuthorizer {
  kind: 'lambda-token';
  /** The authorizer's name in `Auth.Authorizers` (the cache is per authorizer). */
  name: string;
  functionName: string;
  /** `Identity.Header`, default `Authorization`. */
  header: string;
  /** `Identity.ValidationExpression`: a regular expression the token must match, else 401 without invoking. */
  validationExpression?: string;
  /** `Identity.ReauthorizeEvery` in seconds; default 300, 0 disables caching. */
  reauthorizeEverySeconds: number;
}

/** `FunctionPayloadType: REQUEST` Lambda authorizer, REST (always payload 1.0) or HTTP API (1.0 or 2.0). */
export interface LambdaRequestAuthorizer {
  kind: 'lambda-request';
  name: string;
  functionName: string;
  apiKind: 'http' | 'rest';
  /** HTTP API `AuthorizerPayloadFormatVersion`; REST is `1.0`. */
  payloadFormatVersion: '1.0' | '2.0';
  /** HTTP API `EnableSimpleResponses` (2.0 only). */
  enableSimpleResponses: boolean;
  /** Identity source expressions (`$request.header.Authorization`, `method.request.querystring.q`, ...). */
  identitySources: string[];
  reauthorizeEverySeconds: number;
}

/** HTTP API `JwtConfiguration` authorizer. */
export interface JwtAuthorizer {
  kind: 'jwt';
  name: string;
  issuer: string;
  audience: string[];
  /** `IdentitySource`, default `$request.header.Authorization`. */
  identitySource: string;
  /** The authorizer's own `AuthorizationScopes`: the scopes of routes that do not list theirs (SAM OAuth2Authorizer). */
  authorizationScopes?: string[];
}

/** REST `CognitoAuthorizer`: tokens of one or more user pools. */
export interface CognitoAuthorizer {
  kind: 'cognito';
  name: string;
  /** `UserPoolArn` (one or a list). */
  userPoolArns: string[];
  /** `Identity.Header`, default `Authorization`. */
  header: string;
  validationExpression?: string;
  /** The authorizer's own `AuthorizationScopes`: the scopes of methods that do not list theirs (SAM CognitoAuthorizer). */
  authorizationScopes?: string[];
}

export type AuthorizerConfig = LambdaTokenAuthorizer | LambdaRequestAuthorizer | JwtAuthorizer | CognitoAuthorizer;

/** The access control of one route: its authorizer (absent for `NONE`), scopes, API key requirement. */
export interface RouteAuth {
  apiKind: 'http' | 'rest';
  /** The route's integration payload format: decides the shape of `requestContext.authorizer`. */
  payloadFormatVersion: '1.0' | '2.0';
  authorizer?: AuthorizerConfig;
  /** `AuthorizationScopes` of the route (JWT, Cognito). */
  authorizationScopes?: string[];
  /** REST `ApiKeyRequired`. */
  apiKeyRequired?: boolean;
  /** REST resource policy on the caller's source IP (SAM `Auth.ResourcePolicy` `IpRangeWhitelist` / `IpRangeBlacklist`). */
  sourceIp?: SourceIpPolicy;
}

/** CIDR blocks or addresses: a caller outside every `allow` range (when there is one) or inside a `deny` range is refused. */
export interface SourceIpPolicy {
  allow: string[];
  deny: string[];
}

