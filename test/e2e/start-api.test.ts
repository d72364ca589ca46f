// start-api end to end with the process runner: a real hono app behind the API Gateway front end, byte-exact both ways.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createEmulator, type Emulator } from '../../src/index.js';
import { startCli } from '../helpers/cli.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/hono/template.yaml', import.meta.url));
const PNG = readFileSync(new URL('../../fixtures/hono/src/pixel.png', import.meta.url));

describe('start-api with a hono app on the process runner', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await createEmulator({ template: TEMPLATE, runner: 'process', lambdaPort: false, logLevel: 'silent' });
  });
  afterAll(() => emu.close());

  const invocations = () => emu.logs.filter((l) => l.text.startsWith('START ')).length;

  it('passes path params, repeated query keys and two cookies, and returns two Set-Cookie headers', async () => {
    const res = await fetch(`${emu.apiUrl}/users/42?tag=a&tag=b`, { headers: { cookie: 'sid=abc; lang=en' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '42', tags: ['a', 'b'], sid: 'abc', lang: 'en' });
    expect(res.headers.getSetCookie()).toEqual(['seen=42; Path=/', 'theme=dark; Path=/; HttpOnly']);
    expect(res.headers.get('apigw-requestid')).toBeTruthy();
  });

  it('returns a binary PNG byte for byte', async () => {
    const res = await fetch(`${emu.apiUrl}/image.png`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('delivers a binary upload byte for byte', async () => {
    const body = randomBytes(300_000);
    const res = await fetch(`${emu.apiUrl}/upload`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    expect(await res.json()).toEqual({ size: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('answers a binary body that base64 grows past 6 MB as a Lambda rejection (500), without invoking the function', async () => {
    const before = invocations();
    const res = await fetch(`${emu.apiUrl}/upload`, { method: 'POST', body: randomBytes(4_800_000), headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
    expect(invocations()).toBe(before);
  });

  it('refuses a body over the 10 MB API payload limit with 413, without invoking the function', async () => {
    const before = invocations();
    const res = await fetch(`${emu.apiUrl}/upload`, { method: 'POST', body: randomBytes(10_485_761), headers: { 'content-type': 'application/octet-stream' } }).catch((e: unknown) => e);
    // The gateway refuses before reading the body; a client still uploading may see the connection close instead.
    if (res instanceof Response) {
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ message: 'Request Entity Too Large' });
    }
    expect(invocations()).toBe(before);
  });

  it('answers a function error with HTTP API\'s 500 {"message":"Internal Server Error"}', async () => {
    const res = await fetch(`${emu.apiUrl}/throw`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('answers a function timeout with 500 and the next request works', async () => {
    const res = await fetch(`${emu.apiUrl}/slow`);
    expect(res.status).toBe(500);
    expect((await fetch(`${emu.apiUrl}/users/1`)).status).toBe(200);
  });

  it('gives every request its own request id', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await fetch(`${emu.apiUrl}/users/1`)).headers.get('apigw-requestid')));
    expect(new Set(ids).size).toBe(3);
  });
});

describe('emulate start-api (CLI)', () => {
  it('mounts the routes, prints the table and serves until SIGTERM', async () => {
    const cli = await startCli(['start-api', '-t', 'fixtures/quickstart/template.yaml', '-p', '0', '--runner', 'process']);
    try {
      expect(cli.stderr()).toMatch(/Mounted 2 routes:\nMETHOD\s+URL\s+FUNCTION\s+API\s+FORMAT\nGET\s+http:\/\/127\.0\.0\.1:\d+\/hello\/\{name\}\s+HelloFunction/);
      const hello = await fetch(`${cli.url}/hello/ann`);
      expect(await hello.json()).toMatchObject({ message: 'Hello, ann!' });
      const echo = await fetch(`${cli.url}/echo`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
      expect(await echo.json()).toEqual({ method: 'POST', path: '/echo', body: '{"a":1}' });
      expect((await fetch(`${cli.url}/nope`)).status).toBe(404);
      await cli.waitForStdout(/REPORT RequestId: \S+\tDuration/);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });
});
