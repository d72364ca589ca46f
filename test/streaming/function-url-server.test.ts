// Function URLs end to end on the process runner, through undici: events Powertools accepts, CORS, cookies, binary bodies, AWS_IAM, RESPONSE_STREAM, error statuses, a hono app.
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { LambdaFunctionUrlSchema } from '@aws-lambda-powertools/parser/schemas';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFunctionUrls, functionUrlPort } from '../../apigw/index.js';
import { createEmulator, type Emulator } from '../../src/index.js';
import { arrivals, cutBody, expectApart } from '../helpers/streams.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/function-url/template.yaml', import.meta.url));
const CREDENTIAL = { accessKeyId: 'AKIDFUNCTIONURLTEST', secretAccessKey: 'dummy-secret-for-tests', accountId: '111122223333' };

let emu: Emulator;
beforeAll(async () => {
  emu = await createEmulator({
    template: TEMPLATE,
    runner: 'process',
    port: false,
    lambdaPort: false,
    functionUrlPorts: 0,
    functionUrlCredentials: [CREDENTIAL],
    logLevel: 'silent',
  });
});
afterAll(() => emu?.close());

const urlOf = (name: string) => emu.functionUrls[name]!.url;

describe('Function URLs of a template', () => {
  it('serves every function with FunctionUrlConfig or an AWS::Lambda::Url, with its mode and auth type', () => {
    expect(Object.keys(emu.functionUrls).sort()).toEqual(['EchoFunction', 'HonoFunction', 'IamFunction', 'StallFunction', 'StreamFunction']);
    expect(emu.functionUrls.StreamFunction).toMatchObject({ invokeMode: 'RESPONSE_STREAM', authType: 'NONE' });
    expect(emu.functionUrls.IamFunction).toMatchObject({ invokeMode: 'BUFFERED', authType: 'AWS_IAM' });
    expect(urlOf('EchoFunction')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(formatFunctionUrls(emu.functionUrls)).toContain(`FunctionUrl  ${urlOf('StreamFunction')}  -> StreamFunction (RESPONSE_STREAM)`);
  });

  it('derives the same port from a function name every run, inside 9100-9899, stepping past taken ones', () => {
    const port = functionUrlPort('EchoFunction');
    expect(functionUrlPort('EchoFunction')).toBe(port);
    expect(port).toBeGreaterThanOrEqual(9100);
    expect(port).toBeLessThan(9900);
    expect(functionUrlPort('EchoFunction', new Set([port]))).not.toBe(port);
  });
});

describe('buffered Function URL', () => {
  it('sends an event that validates against Powertools’ LambdaFunctionUrlSchema, with cookies, query and no stage', async () => {
    const res = await request(`${urlOf('EchoFunction')}items/7?tag=a&tag=b`, { headers: { cookie: 'sid=abc; lang=en', 'user-agent': 'undici-test' } });
    expect(res.statusCode).toBe(200);
    const event = (await res.body.json()) as Record<string, any>;
    const parsed = LambdaFunctionUrlSchema.safeParse(event);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    expect(event).toMatchObject({ version: '2.0', routeKey: '$default', rawPath: '/items/7', rawQueryString: 'tag=a&tag=b', cookies: ['sid=abc', 'lang=en'] });
    expect(event.queryStringParameters).toEqual({ tag: 'a,b' });
    expect(event.requestContext.http).toMatchObject({ method: 'GET', path: '/items/7', userAgent: 'undici-test' });
    expect(event.requestContext.domainName).toBe(`${event.requestContext.domainPrefix}.lambda-url.us-east-1.on.aws`);
    expect(event.requestContext.domainPrefix).toMatch(/^[a-z2-7]{32}$/);
    expect(event.requestContext.accountId).toBe('anonymous');
    expect(res.headers['x-amzn-requestid']).toBe(event.requestContext.requestId);
  });

  it('maps the result: status, headers, and one Set-Cookie per cookie', async () => {
    const res = await request(urlOf('EchoFunction'));
    await res.body.dump();
    expect(res.headers['x-echo']).toBe('yes');
    expect(res.headers['set-cookie']).toEqual(['flavour=oat; Path=/', 'size=large; HttpOnly']);
  });

  it('answers a JSON result without statusCode as a 200 application/json body', async () => {
    const res = await request(`${urlOf('EchoFunction')}plain`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(await res.body.json()).toEqual({ hello: 'world' });
  });

  it('carries a binary body base64-encoded both ways, byte for byte', async () => {
    const body = randomBytes(200_000);
    const res = await request(`${urlOf('EchoFunction')}binary`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    expect(res.statusCode).toBe(200);
    const back = Buffer.from(await res.body.arrayBuffer());
    expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('answers a CORS preflight itself with the configured values, without running the function', async () => {
    const before = emu.logs.filter((l) => l.functionName === 'EchoFunction' && l.text.startsWith('START ')).length;
    const res = await request(urlOf('EchoFunction'), {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    await res.body.dump();
    expect(res.statusCode).toBeLessThan(300);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
    expect(res.headers['access-control-max-age']).toBe('300');
    const after = emu.logs.filter((l) => l.functionName === 'EchoFunction' && l.text.startsWith('START ')).length;
    expect(after).toBe(before);
  });

  it('replaces the function’s own CORS headers with the configured ones for an allowed origin', async () => {
    const res = await request(urlOf('EchoFunction'), { headers: { origin: 'https://app.example' } });
    await res.body.dump();
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(res.headers['access-control-expose-headers']).toContain('x-echo');
  });

  it('answers 502 for a function error and for a timeout, and 413 for a body over 6 MB', async () => {
    const thrown = await request(`${urlOf('EchoFunction')}throw`);
    expect(thrown.statusCode).toBe(502);
    expect(await thrown.body.text()).toBe('Internal Server Error');
    const slow = await request(`${urlOf('EchoFunction')}slow`);
    expect(slow.statusCode).toBe(502);
    await slow.body.dump();
    const big = await request(urlOf('EchoFunction'), { method: 'POST', body: Buffer.alloc(6_291_457, 1), headers: { 'content-type': 'application/octet-stream' } });
    expect(big.statusCode).toBe(413);
    await big.body.dump();
    // The emulator goes on serving.
    const ok = await request(`${urlOf('EchoFunction')}plain`);
    expect(ok.statusCode).toBe(200);
    await ok.body.dump();
  }, 20_000);
});

describe('AWS_IAM Function URL', () => {
  async function signed(url: string, credential = CREDENTIAL, body = '{"a":1}') {
    const u = new URL(url);
    const signer = new SignatureV4({ credentials: credential, region: 'us-east-1', service: 'lambda', sha256: Hash.bind(null, 'sha256') });
    const req = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: u.host,
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: { host: u.host, 'content-type': 'application/json' },
      body,
    });
    return request(url, { method: 'POST', headers: req.headers as Record<string, string>, body });
  }

  it('runs the function for a request SigV4-signed with known credentials, naming the caller', async () => {
    const res = await signed(`${urlOf('IamFunction')}signed?q=1`);
    expect(res.statusCode).toBe(200);
    const event = (await res.body.json()) as Record<string, any>;
    expect(LambdaFunctionUrlSchema.safeParse(event).success).toBe(true);
    expect(event.requestContext.accountId).toBe('111122223333');
    expect(event.requestContext.authorizer.iam).toMatchObject({ accessKey: CREDENTIAL.accessKeyId, accountId: '111122223333' });
  });

  it('refuses an unsigned request and one signed with a wrong secret with 403 {"Message":"Forbidden"}', async () => {
    const unsigned = await request(urlOf('IamFunction'));
    expect(unsigned.statusCode).toBe(403);
    expect(await unsigned.body.json()).toEqual({ Message: 'Forbidden' });
    const wrong = await signed(urlOf('IamFunction'), { ...CREDENTIAL, secretAccessKey: 'not-the-secret' });
    expect(wrong.statusCode).toBe(403);
    await wrong.body.dump();
  });
});

describe('RESPONSE_STREAM Function URL (process runner)', () => {
  it('streams with chunked transfer: the first event arrives long before the second, written 1 s later; prelude status, headers and cookies reach the client', async () => {
    const started = Date.now();
    const res = await request(`${urlOf('StreamFunction')}sse`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['x-stream']).toBe('sse');
    expect(res.headers['set-cookie']).toBe('session=s1; Path=/');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const got = await arrivals(res.body, started);
    expect(got.map((a) => a.text).join('')).toBe('data: one\n\ndata: two\n\n');
    // Generous: the handler waits 1 s between the writes.
    expectApart(got, 'one', 'two', 600);
  }, 20_000);

  it('delivers a 30 MB stream byte-exact', async () => {
    const res = await request(`${urlOf('StreamFunction')}big?mb=30`);
    expect(res.statusCode).toBe(200);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of res.body) {
      hash.update(chunk);
      size += chunk.length;
    }
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = i % 251;
    const expected = createHash('sha256');
    for (let i = 0; i < 30 * 16; i++) expected.update(chunk);
    expect(size).toBe(30 * 1024 * 1024);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
  }, 60_000);

  it('cuts the connection when the function fails after the first chunk (status already sent)', async () => {
    const res = await request(`${urlOf('StreamFunction')}fail`);
    expect(res.statusCode).toBe(206);
    expect(await cutBody(res.body)).toBe('data: one\n\n');
  }, 20_000);

  it('cuts the connection at the function Timeout mid-stream, after the first event, and goes on serving', async () => {
    const res = await request(`${urlOf('StallFunction')}stall`);
    expect(res.statusCode).toBe(200);
    expect(await cutBody(res.body)).toBe('data: one\n\n');
    const next = await request(`${urlOf('StallFunction')}sse`);
    expect(next.statusCode).toBe(200);
    expect(await next.body.text()).toBe('data: one\n\ndata: two\n\n');
  }, 30_000);

  it('goes on serving after a client disconnects mid-stream', async () => {
    const controller = new AbortController();
    const res = await request(`${urlOf('StreamFunction')}sse`, { signal: controller.signal });
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    controller.abort();
    const next = await request(`${urlOf('StreamFunction')}sse`);
    expect(next.statusCode).toBe(200);
    expect(await next.body.text()).toBe('data: one\n\ndata: two\n\n');
  }, 20_000);
});

describe('a hono app behind a Function URL', () => {
  it('works unchanged: params, query, cookies, binary upload', async () => {
    const res = await request(`${urlOf('HonoFunction')}users/42?tag=a&tag=b`, { headers: { cookie: 'sid=abc; lang=en' } });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ id: '42', tags: ['a', 'b'], sid: 'abc', lang: 'en' });
    expect(res.headers['set-cookie']).toEqual(['seen=42; Path=/', 'theme=dark; Path=/; HttpOnly']);
    const body = randomBytes(100_000);
    const up = await request(`${urlOf('HonoFunction')}upload`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    expect(await up.body.json()).toEqual({ size: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  });
});
