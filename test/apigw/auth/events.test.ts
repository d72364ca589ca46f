// Authorizer events as AWS builds them, each validated against Powertools' authorizer event schemas.
import {
  APIGatewayRequestAuthorizerEventSchema,
  APIGatewayRequestAuthorizerEventV2Schema,
  APIGatewayTokenAuthorizerEventSchema,
} from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import { buildRequestEventV1, buildRequestEventV2, buildTokenEvent, executeApiArn } from '../../../apigw/auth/events.js';
import { httpView, view } from './view.js';

describe('authorizer events', () => {
  it.each([
    ['REST', view(), 'arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/GET/pets/7'],
    ['HTTP $default', httpView(), 'arn:aws:execute-api:us-east-1:123456789012:abc1234567/$default/GET/pets/7'],
    ['root path', view({ path: '/', method: 'POST' }), 'arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/POST/'],
    ['china partition', view({ partition: 'aws-cn', region: 'cn-north-1' }), 'arn:aws-cn:execute-api:cn-north-1:123456789012:abc1234567/Prod/GET/pets/7'],
  ])('builds the methodArn/routeArn of a %s request', (_, v, arn) => {
    expect(executeApiArn(v)).toBe(arn);
  });

  it('builds a TOKEN event of exactly three fields that Powertools accepts', () => {
    const event = buildTokenEvent(view(), 'Bearer abc');
    expect(event).toEqual({ type: 'TOKEN', authorizationToken: 'Bearer abc', methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/GET/pets/7' });
    expect(APIGatewayTokenAuthorizerEventSchema.safeParse(event).success).toBe(true);
  });

  it('builds a REST REQUEST event: last header value wins, all values in multiValueHeaders, {} not null, no body', () => {
    const event = buildRequestEventV1(view(), ['allow']);
    const parsed = APIGatewayRequestAuthorizerEventSchema.safeParse(event);
    expect(parsed.error?.message).toBeUndefined();
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abc1234567/Prod/GET/pets/7',
      resource: '/pets/{id}',
      path: '/pets/7',
      httpMethod: 'GET',
      queryStringParameters: { a: '2', q: 'x y' },
      multiValueQueryStringParameters: { a: ['1', '2'], q: ['x y'] },
      pathParameters: { id: '7' },
      stageVariables: { env: 'test' },
      requestContext: { path: '/Prod/pets/7', stage: 'Prod', resourcePath: '/pets/{id}', requestTimeEpoch: 1_795_236_767_128, identity: { sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0', apiKey: null } },
    });
    expect(event.headers['X-Multi']).toBe('two');
    expect(event.multiValueHeaders['X-Multi']).toEqual(['one', 'two']);
    expect(event).not.toHaveProperty('body');
    expect(event).not.toHaveProperty('version');
    const empty = buildRequestEventV1(view({ rawQuery: '', pathParameters: {}, stageVariables: {} }), []);
    expect(empty).toMatchObject({ queryStringParameters: {}, multiValueQueryStringParameters: {}, pathParameters: {}, stageVariables: {} });
    expect(APIGatewayRequestAuthorizerEventSchema.safeParse(empty).success).toBe(true);
  });

  it('builds an HTTP API payload 1.0 REQUEST event with version, comma-joined identitySource and authorizationToken', () => {
    const event = buildRequestEventV1(httpView(), ['allow', 'x y']);
    expect(APIGatewayRequestAuthorizerEventSchema.safeParse(event).success).toBe(true);
    expect(Object.keys(event).slice(0, 5)).toEqual(['version', 'type', 'methodArn', 'identitySource', 'authorizationToken']);
    expect(event).toMatchObject({ version: '1.0', identitySource: 'allow,x y', authorizationToken: 'allow,x y', resource: '/pets/{id}', path: '/pets/7' });
    expect(event.headers['x-multi']).toBe('two');
  });

  it('builds a payload 2.0 REQUEST event: routeArn, identitySource list, lower-case joined headers, cookies split out', () => {
    const event = buildRequestEventV2(httpView(), ['allow']);
    const parsed = APIGatewayRequestAuthorizerEventV2Schema.safeParse(event);
    expect(parsed.error?.message).toBeUndefined();
    expect(event).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:us-east-1:123456789012:abc1234567/$default/GET/pets/7',
      identitySource: ['allow'],
      routeKey: 'GET /pets/{id}',
      rawPath: '/pets/7',
      rawQueryString: 'a=1&a=2&q=x%20y',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { a: '1,2', q: 'x y' },
      pathParameters: { id: '7' },
      stageVariables: { env: 'test' },
      requestContext: { stage: '$default', routeKey: 'GET /pets/{id}', http: { method: 'GET', path: '/pets/7', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' }, time: '21/Nov/2026:04:52:47 +0000' },
    });
    expect(event.headers).toMatchObject({ 'x-multi': 'one,two', authorization: 'allow' });
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event).not.toHaveProperty('body');
  });

  it('omits empty collections of a payload 2.0 REQUEST event as the proxy event does', () => {
    const event = buildRequestEventV2(httpView({ rawQuery: '', headers: [], pathParameters: {}, stageVariables: {} }), []);
    expect(APIGatewayRequestAuthorizerEventV2Schema.safeParse(event).success).toBe(true);
    for (const key of ['cookies', 'queryStringParameters', 'pathParameters', 'stageVariables']) expect(event).not.toHaveProperty(key);
  });
});
