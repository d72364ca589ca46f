// The events the front end builds type-check against @types/aws-lambda (checked by `npm run typecheck`, which `npm test` runs).
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildEventV1, buildEventV2, compileRoutes, matchRequest, type IntegrationMatch } from '../../apigw/index.js';
import { FIXED_IDENTITY, SETTINGS, api, gatewayRequest, route } from './helpers.js';

type RestEvent = Omit<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders' | 'requestContext'> & {
  // resourceId is typed nullable because HTTP API 1.0 events (same builder) have none.
  requestContext: Omit<APIGatewayProxyEvent['requestContext'], 'authorizer' | 'identity' | 'resourceId'>;
};

const http = api('http');
const rest = api('rest', { stageName: 'Prod' });
const table = compileRoutes([http, rest], [route(http, 'GET /hello/{name}', 'Hello'), route(rest, 'POST /items/{id}', 'Items')]);

function match(method: string, url: string): IntegrationMatch {
  const m = matchRequest(table, method, url);
  if (m.kind !== 'integration') throw new Error(`no route for ${method} ${url}`);
  return m as IntegrationMatch;
}

describe('events against @types/aws-lambda', () => {
  it('builds a payload 2.0 event assignable to APIGatewayProxyEventV2', () => {
    const event: APIGatewayProxyEventV2 = buildEventV2(gatewayRequest({ url: '/hello/ann?x=1' }), match('GET', '/hello/ann'), FIXED_IDENTITY, SETTINGS);
    expect(event.pathParameters).toEqual({ name: 'ann' });
    expect(event.requestContext.http.method).toBe('GET');
  });

  it('builds a REST payload 1.0 event assignable to APIGatewayProxyEvent', () => {
    const built = buildEventV1(
      gatewayRequest({ method: 'POST', url: '/Prod/items/7', body: Buffer.from('{"a":1}'), headers: [['Content-Type', 'application/json']] }),
      match('POST', '/Prod/items/7'),
      FIXED_IDENTITY,
      SETTINGS,
    );
    // Three fields differ from @types/aws-lambda on purpose: AWS sends null header maps for a request without
    // headers (@types says never null), no `authorizer` key without an authorizer, and `identity` as a plain map.
    const event: RestEvent = built;
    expect(built.headers).not.toBeNull();
    expect(event.resource).toBe('/items/{id}');
    expect(event.requestContext.path).toBe('/Prod/items/7');
  });
});
