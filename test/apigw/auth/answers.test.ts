// Authorizer answers: IAM policy evaluation with API Gateway's wildcards, malformed answers, and the requestContext.authorizer shapes.
import { APIGatewayEventRequestContextSchema, APIGatewayRequestAuthorizerV2Schema } from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, lambdaAuthorizerContext, parseAnswer, wildcardMatch, type PolicyStatement } from '../../../apigw/auth/answers.js';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/GET/pets/7';
const allow = (resources: string[], actions = ['execute-api:Invoke']): PolicyStatement => ({ effect: 'Allow', actions, resources });
const deny = (resources: string[]): PolicyStatement => ({ effect: 'Deny', actions: ['execute-api:Invoke'], resources });

describe('policy evaluation', () => {
  it.each<[string, PolicyStatement[], string]>([
    ['the exact ARN', [allow([ARN])], 'allow'],
    ['* for everything', [allow(['*'])], 'allow'],
    ['a stage/method wildcard', [allow(['arn:aws:execute-api:us-east-1:123456789012:abc1234567/*/GET/*'])], 'allow'],
    ['? for one character', [allow(['arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/GET/pets/?'])], 'allow'],
    ['? does not match two characters', [allow(['arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/GET/pets?'])], 'implicit-deny'],
    ['another method', [allow(['arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/POST/*'])], 'implicit-deny'],
    ['regex characters are literal', [allow(['arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/GET/pets.7'])], 'implicit-deny'],
    ['an explicit Deny beside an Allow', [allow(['*']), deny([ARN])], 'explicit-deny'],
    ['a Deny elsewhere', [allow(['*']), deny(['arn:aws:execute-api:*:*:*/*/DELETE/*'])], 'allow'],
    ['execute-api:*', [allow([ARN], ['execute-api:*'])], 'allow'],
    ['action case-insensitive', [allow([ARN], ['Execute-API:invoke'])], 'allow'],
    ['another action', [allow([ARN], ['execute-api:ManageConnections'])], 'implicit-deny'],
    ['NotResource elsewhere', [{ effect: 'Allow', actions: ['execute-api:Invoke'], notResources: ['*/DELETE/*'] }], 'allow'],
    ['NotResource matching', [{ effect: 'Allow', actions: ['execute-api:Invoke'], notResources: ['*/GET/*'] }], 'implicit-deny'],
    ['no statement applies', [], 'implicit-deny'],
  ])('%s → %s', (_, statements, verdict) => {
    expect(evaluatePolicy(statements, ARN)).toBe(verdict);
  });

  it('treats * as crossing / and :', () => {
    expect(wildcardMatch('arn:*', ARN)).toBe(true);
    expect(wildcardMatch('*/pets/7', ARN)).toBe(true);
  });
});

const policyAnswer = (extra: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ principalId: 'u1', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ARN }] }, ...extra }));

describe('parsing authorizer answers', () => {
  it('reads a policy answer with a single Statement object, string Action and usageIdentifierKey', () => {
    const answer = parseAnswer(
      Buffer.from(JSON.stringify({ principalId: 'u1', policyDocument: { Statement: { Action: 'execute-api:Invoke', Effect: 'allow', Resource: [ARN] } }, usageIdentifierKey: 'k', context: { a: 1 } })),
      { simple: false, apiKind: 'rest' },
    );
    expect(answer).toEqual({ kind: 'policy', principalId: 'u1', statements: [{ effect: 'Allow', actions: ['execute-api:Invoke'], resources: [ARN] }], context: { a: 1 }, usageIdentifierKey: 'k' });
  });

  it.each([
    ['not JSON', Buffer.from('yes'), false, 'rest', 'not JSON'],
    ['a JSON string', Buffer.from('"allow"'), false, 'rest', 'not a JSON object'],
    ['no policyDocument', Buffer.from('{"principalId":"u"}'), false, 'rest', '"policyDocument" is missing'],
    ['REST without principalId', Buffer.from(JSON.stringify({ policyDocument: { Statement: [{ Action: 'x', Effect: 'Allow', Resource: '*' }] } })), false, 'rest', '"principalId" is missing'],
    ['an empty Statement', policyAnswer({ policyDocument: { Statement: [] } }), false, 'rest', 'missing or empty'],
    ['a bad Effect', policyAnswer({ policyDocument: { Statement: [{ Action: 'x', Effect: 'Maybe', Resource: '*' }] } }), false, 'rest', 'Effect must be'],
    ['no Resource', policyAnswer({ policyDocument: { Statement: [{ Action: 'x', Effect: 'Allow' }] } }), false, 'rest', 'exactly one of Resource'],
    ['a REST array context value', policyAnswer({ context: { a: [1] } }), false, 'rest', 'context value "a" is an array'],
    ['a REST null context value', policyAnswer({ context: { a: null } }), false, 'rest', 'context value "a" is null'],
    ['a non-object context', policyAnswer({ context: 'x' }), false, 'rest', '"context" is not an object'],
    ['a simple answer without isAuthorized', Buffer.from('{"context":{}}'), true, 'http', '"isAuthorized" is missing'],
    ['a simple answer with a string isAuthorized', Buffer.from('{"isAuthorized":"true"}'), true, 'http', 'not a boolean'],
  ] as const)('refuses %s', (_, payload, simple, apiKind, reason) => {
    const answer = parseAnswer(payload, { simple, apiKind });
    expect('bad' in answer && answer.bad).toContain(reason);
  });

  it('lets HTTP API answers carry nested context values', () => {
    expect(parseAnswer(Buffer.from('{"isAuthorized":true,"context":{"a":{"b":[1]}}}'), { simple: true, apiKind: 'http' })).toEqual({ kind: 'simple', isAuthorized: true, context: { a: { b: [1] } } });
  });
});

describe('requestContext.authorizer of a Lambda authorizer', () => {
  it('REST: principalId, context flattened as strings, integrationLatency; valid for the Powertools REST context', () => {
    const answer = parseAnswer(policyAnswer({ context: { n: 1, ok: false, s: 'x' } }), { simple: false, apiKind: 'rest' });
    if ('bad' in answer) throw new Error(answer.bad);
    const authorizer = lambdaAuthorizerContext('rest', answer, 12);
    expect(authorizer).toEqual({ n: '1', ok: 'false', s: 'x', principalId: 'u1', integrationLatency: 12 });
    const ctx = { accountId: '1', apiId: 'a', stage: 's', protocol: 'HTTP/1.1', identity: {}, requestId: 'r', requestTime: 't', requestTimeEpoch: 1, resourcePath: '/', httpMethod: 'GET', path: '/', authorizer };
    expect(APIGatewayEventRequestContextSchema.safeParse(ctx).success).toBe(true);
  });

  it('HTTP API: { lambda: context }, valid for the Powertools v2 authorizer', () => {
    const authorizer = lambdaAuthorizerContext('http', { kind: 'simple', isAuthorized: true, context: { a: { b: 1 } } }, 3);
    expect(authorizer).toEqual({ lambda: { a: { b: 1 } } });
    expect(APIGatewayRequestAuthorizerV2Schema.safeParse(authorizer).success).toBe(true);
  });
});
