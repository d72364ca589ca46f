// checkAuthorizerConfig: settings that cannot work fail at start-up with EMU_AUTH_* codes, never on the first request.
import { describe, expect, it } from 'vitest';
import { checkAuthorizerConfig } from '../../../apigw/auth/authorize.js';
import type { AuthorizerConfig } from '../../../apigw/auth/types.js';

const token: AuthorizerConfig = { kind: 'lambda-token', name: 'T', functionName: 'f', header: 'Authorization', reauthorizeEverySeconds: 300 };
const request: AuthorizerConfig = { kind: 'lambda-request', name: 'R', functionName: 'f', apiKind: 'http', payloadFormatVersion: '2.0', enableSimpleResponses: true, identitySources: ['$request.header.Authorization'], reauthorizeEverySeconds: 0 };
const jwt: AuthorizerConfig = { kind: 'jwt', name: 'J', issuer: 'https://issuer.example', audience: ['a'], identitySource: '$request.header.Authorization' };
const cognito: AuthorizerConfig = { kind: 'cognito', name: 'C', userPoolArns: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Abc123'], header: 'Authorization' };

describe('checkAuthorizerConfig', () => {
  it.each([token, request, jwt, cognito])('accepts a valid $kind authorizer', (config) => {
    expect(() => checkAuthorizerConfig(config)).not.toThrow();
  });

  it.each<[string, AuthorizerConfig, string, RegExp]>([
    ['a bad identity source', { ...request, identitySources: ['$request.body.token'] } as AuthorizerConfig, 'EMU_AUTH_BAD_IDENTITY_SOURCE', /authorizer R IdentitySource: "\$request\.body\.token"/],
    ['a bad ValidationExpression', { ...token, validationExpression: '(' } as AuthorizerConfig, 'EMU_AUTH_BAD_VALIDATION_EXPRESSION', /"\("/],
    ['a TTL over 3600', { ...token, reauthorizeEverySeconds: 7200 } as AuthorizerConfig, 'EMU_AUTH_BAD_CONFIG', /ReauthorizeEvery/],
    ['simple responses on payload 1.0', { ...request, payloadFormatVersion: '1.0' } as AuthorizerConfig, 'EMU_AUTH_BAD_CONFIG', /EnableSimpleResponses/],
    ['an issuer that is not a URL', { ...jwt, issuer: 'my-issuer' } as AuthorizerConfig, 'EMU_AUTH_BAD_CONFIG', /not an http\(s\) URL/],
    ['an empty audience', { ...jwt, audience: [] } as AuthorizerConfig, 'EMU_AUTH_BAD_CONFIG', /audience is empty/],
    ['a malformed UserPoolArn', { ...cognito, userPoolArns: ['us-east-1_Abc'] } as AuthorizerConfig, 'EMU_AUTH_BAD_CONFIG', /not a Cognito user pool ARN/],
  ])('refuses %s', (_, config, code, message) => {
    let err: unknown;
    try {
      checkAuthorizerConfig(config);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(message);
  });
});
