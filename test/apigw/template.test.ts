// A real SAM template through the template reader into the gateway: each API's stage, payload format, CORS and binary types.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRouteTable, type ApiGatewayServer } from '../../apigw/index.js';
import { readTemplate } from '../../src/template/index.js';
import { inProcessInvoker, schemaCheck, send, startWith, type Handler } from './helpers.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/apigw/multi-api/template.yaml', import.meta.url));

describe('fixtures/apigw/multi-api', () => {
  let server: ApiGatewayServer;
  let table = '';
  beforeAll(async () => {
    const model = await readTemplate(TEMPLATE);
    // Imported by URL: the fixture is plain JavaScript without type declarations.
    const { handler } = (await import(new URL('../../fixtures/apigw/multi-api/src/echo.mjs', import.meta.url).href)) as { handler: Handler };
    const invokers = Object.fromEntries(model.functions.map((f) => [f.functionName, inProcessInvoker(handler, f.functionName)]));
    server = await startWith(model.apis, model.routes, invokers);
    table = formatRouteTable(model, server.url);
  });
  afterAll(() => server.close());

  it('prints every route with its stage prefix', () => {
    expect(table).toMatch(new RegExp(`GET +${server.url}/hello/\\{name\\}`));
    expect(table).toContain(`${server.url}/dev/orders`);
    expect(table).toContain(`${server.url}/dev/legacy/{id}`);
    expect(table).toContain(`${server.url}/v1/files/{proxy+}`);
  });

  it('serves the implicit HTTP API at the root with payload 2.0', async () => {
    const event = (await send(server.url, { path: '/hello/ann' })).json();
    expect(event).toMatchObject({ version: '2.0', routeKey: 'GET /hello/{name}', pathParameters: { name: 'ann' }, requestContext: { stage: '$default' } });
  });

  it('serves OrdersApi under /dev with its stage variables, 1.0 where the template says so, and its CORS', async () => {
    const orders = await send(server.url, { path: '/dev/orders', headers: [['Origin', 'https://shop.example.com']] });
    expect(orders.json()).toMatchObject({ rawPath: '/dev/orders', stageVariables: { TABLE: 'orders' } });
    expect(orders.header('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(orders.header('access-control-expose-headers')).toBe('x-request-id');
    const legacy = (await send(server.url, { method: 'PATCH', path: '/dev/legacy/9' })).json();
    expect(legacy).toMatchObject({ version: '1.0', httpMethod: 'PATCH', pathParameters: { id: '9' }, requestContext: { stage: 'dev' } });
    const preflight = await send(server.url, {
      method: 'OPTIONS',
      path: '/dev/orders',
      headers: [['Origin', 'https://shop.example.com'], ['Access-Control-Request-Method', 'POST']],
    });
    expect([preflight.status, preflight.header('access-control-allow-methods'), preflight.header('access-control-max-age')]).toEqual([204, 'GET,POST', '300']);
  });

  it('serves FilesApi under /v1 with its image/* binary type and its CORS mock', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const res = await send(server.url, { method: 'PUT', path: '/v1/files/a.png', headers: [['Content-Type', 'image/png'], ['Accept', 'image/png']], body: png });
    expect(res.body).toEqual(png);
    const options = await send(server.url, { method: 'OPTIONS', path: '/v1/files/a.png' });
    expect([options.status, options.header('Access-Control-Allow-Origin')]).toEqual([200, '*']);
    // The HTTP API's CORS is not the REST API's: no headers added to REST proxy responses.
    const json = await send(server.url, { path: '/v1/files/x.json', headers: [['Origin', 'https://shop.example.com']] });
    expect(json.header('access-control-allow-origin')).toBeUndefined();
  });

  it('answers unknown paths per API kind', async () => {
    expect((await send(server.url, { path: '/v1/nothing' })).status).toBe(403);
    expect((await send(server.url, { path: '/dev/nothing' })).status).toBe(404);
    expect((await send(server.url, { path: '/nothing' })).status).toBe(404);
  });

  it('produced only schema-valid events', () => {
    expect(schemaCheck.problems).toEqual([]);
  });
});
