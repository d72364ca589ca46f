// The authorizer module's surface for the gateway and the template reader: config types, the entry point, the parts they build.
export type {
  AuthAllow,
  AuthDecision,
  AuthDeny,
  AuthHeaderLine,
  AuthorizerConfig,
  AuthRequestView,
  CognitoAuthorizer,
  InvokeAuthorizer,
  JwtAuthorizer,
  LambdaRequestAuthorizer,
  LambdaTokenAuthorizer,
  RouteAuth,
} from './types.js';
export { authorize, checkAuthorizerConfig, createAuthorization, type AuthorizationDeps, type AuthorizationOptions } from './authorize.js';
export { ApiKeyStore, API_KEY_HEADER, checkApiKey, type ApiKey } from './api-keys.js';
export { DEFAULT_REAUTHORIZE_EVERY_SECONDS } from './cache.js';
export { identitySourcesFromSam, parseIdentitySources, type SamIdentity } from './identity.js';
export { cognitoIssuer, type JwksOverrides } from './jwt.js';
