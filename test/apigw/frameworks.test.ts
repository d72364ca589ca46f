// Real web frameworks as Lambda handlers behind the gateway (hono, serverless-http, @fastify/aws-lambda): what the app computes comes back.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import awsLambdaFastify from '@fastify/aws-lambda';
import { fastify } from 'fastify';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { getCookie, setCookie } from 'hono/cookie';
import serverless from 'serverless-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiGatewayServer } from '../../apigw/index.js';
import { api, inProcessInvoker, route, schemaCheck, send, startWith, type Handler } from './helpers.js';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000105fe02fea70000000049454e44ae426082',
  'hex',
);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** hono on its AWS Lambda adapter. */
function honoHandler(): Handler {
  const app = new Hono();
  app.get('/hello/:name', (c) => {
    setCookie(c, 'seen', 'yes', { path: '/' });
    setCookie(c, 'flavor', 'oat', { path: '/', httpOnly: true });
    return c.json({ name: c.req.param('name'), x: c.req.queries('x'), greeting: c.req.query('greeting'), sid: getCookie(c, 'sid'), theme: getCookie(c, 'theme') });
  });
  app.post('/items', async (c) => c.json({ created: await c.req.json(), by: c.req.header('x-user') }, 201));
  app.get('/logo.png', (c) => c.body(PNG, 200, { 'content-type': 'image/png' }));
  app.post('/upload', async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return c.json({ bytes: bytes.byteLength, sha256: sha256(bytes) });
  });
  return handle(app) as Handler;
}

/** A plain Node request listener wrapped by serverless-http. */
function serverlessHttpHandler(): Handler {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    // serverless-http emits 'end' itself as well as the stream: answer once.
    req.once('end', () => {
      const url = new URL(req.url ?? '/', 'http://app');
      const text = Buffer.concat(chunks).toString('utf8');
      res.setHeader('set-cookie', ['seen=yes; Path=/', 'flavor=oat; Path=/; HttpOnly']);
      res.setHeader('content-type', 'application/json');
      res.statusCode = req.method === 'POST' ? 201 : 200;
      res.end(
        JSON.stringify({
          method: req.method,
          path: url.pathname,
          x: url.searchParams.getAll('x'),
          greeting: url.searchParams.get('greeting'),
          cookie: req.headers.cookie ?? null,
          created: text ? JSON.parse(text) : null,
        }),
      );
    });
  };
  return serverless(listener) as unknown as Handler;
}

/** A fastify app on @fastify/aws-lambda. */
async function fastifyHandler(): Promise<Handler> {
  const app = fastify();
  app.get<{ Params: { name: string }; Querystring: Record<string, string | string[]> }>('/hello/:name', async (req, reply) => {
    reply.header('set-cookie', ['seen=yes; Path=/', 'flavor=oat; Path=/; HttpOnly']);
    return { name: req.params.name, x: req.query.x, greeting: req.query.greeting, cookie: req.headers.cookie ?? null };
  });
  app.post('/items', async (req, reply) => {
    reply.code(201);
    return { created: req.body, by: req.headers['x-user'] };
  });
  const proxy = awsLambdaFastify(app);
  await app.ready();
  return proxy as unknown as Handler;
}

describe.each([
  ['hono', async () => honoHandler()],
  ['serverless-http', async () => serverlessHttpHandler()],
  ['@fastify/aws-lambda', fastifyHandler],
])('%s behind an HTTP API $default route', (name, makeHandler) => {
  let server: ApiGatewayServer;
  beforeAll(async () => {
    const http = api('http');
    const invoker = inProcessInvoker(await makeHandler(), name);
    server = await startWith([http], [route(http, '$default', 'App')], { App: invoker });
  });
  afterAll(() => server.close());

  it('GET with a repeated query key and two cookies returns what the app computed, with both cookies set', async () => {
    const res = await send(server.url, { path: '/hello/ann?x=1&x=2&greeting=hi', headers: [['Cookie', 'sid=abc; theme=dark']] });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.x).toEqual(['1', '2']);
    expect(body.greeting).toBe('hi');
    if (name === 'hono') expect(body).toMatchObject({ name: 'ann', sid: 'abc', theme: 'dark' });
    // The adapters rebuild the Cookie header from `cookies`; fastify's joins without a space.
    if (name === 'serverless-http') expect(body).toMatchObject({ path: '/hello/ann', cookie: 'sid=abc; theme=dark' });
    if (name === '@fastify/aws-lambda') expect(body).toMatchObject({ name: 'ann', cookie: 'sid=abc;theme=dark' });
    const cookies = res.all('set-cookie');
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^seen=yes; Path=\//);
    expect(cookies[1]).toMatch(/^flavor=oat; Path=\/; HttpOnly/);
  });

  it('POST with JSON returns the app\'s 201 and its view of the body', async () => {
    const res = await send(server.url, {
      method: 'POST',
      path: '/items',
      headers: [['Content-Type', 'application/json'], ['X-User', 'ann']],
      body: JSON.stringify({ item: 'tea', qty: 2, note: 'crème' }),
    });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ created: { item: 'tea', qty: 2, note: 'crème' } });
    if (name !== 'serverless-http') expect(res.json().by).toBe('ann');
  });
});

describe('hono binary bodies', () => {
  let server: ApiGatewayServer;
  beforeAll(async () => {
    const http = api('http');
    server = await startWith([http], [route(http, '$default', 'App')], { App: inProcessInvoker(honoHandler(), 'hono') });
  });
  afterAll(() => server.close());

  it('serves a PNG byte for byte', async () => {
    const res = await send(server.url, { path: '/logo.png' });
    expect(res.header('content-type')).toBe('image/png');
    expect(res.body).toEqual(PNG);
  });

  it('receives a binary upload byte for byte', async () => {
    const upload = Buffer.concat([PNG, Buffer.from(Array.from({ length: 256 }, (_, i) => i))]);
    const res = await send(server.url, { method: 'POST', path: '/upload', headers: [['Content-Type', 'application/octet-stream']], body: upload });
    expect(res.json()).toEqual({ bytes: upload.length, sha256: sha256(upload) });
  });
});

describe('events', () => {
  it('every event the frameworks received validates against Powertools\' schema', () => {
    expect(schemaCheck.problems).toEqual([]);
    expect(schemaCheck.validated).toBeGreaterThan(5);
  });
});
