// AWS_IAM Function URLs: SigV4 requests signed by @smithy/signature-v4 (the SDK's signer) over real loopback HTTP are verified; unsigned or altered ones are refused.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySigV4, type LocalCredential, type SigV4Verdict } from '../../apigw/function-url/iam.js';
import type { GatewayRequest } from '../../apigw/request.js';

const KNOWN: LocalCredential[] = [
  { accessKeyId: 'AKIDLOCALEXAMPLE', secretAccessKey: 'local-secret', accountId: '210987654321' },
  { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second-secret', userArn: 'arn:aws:iam::123456789012:role/dev' },
];
const REGION = 'us-east-1';

let server: Server;
let port: number;
/** The verifier's clock; tests move it to check the skew rule. */
let now = Date.now();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const gatewayRequest: GatewayRequest = {
        method: req.method!,
        url: req.url!,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        sourceIp: req.socket.remoteAddress ?? '',
        httpVersion: req.httpVersion,
        scheme: 'http',
        localPort: port,
      };
      try {
        const verdict = await verifySigV4(gatewayRequest, { credentials: KNOWN, region: REGION, accountId: '123456789012', now });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verdict));
      } catch (err) {
        res.writeHead(500).end(JSON.stringify({ ok: false, reason: `verifier threw: ${String(err)}` }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

interface Send {
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  body?: string;
  headers?: Record<string, string>;
  sign?: { accessKeyId: string; secretAccessKey: string; region?: string; service?: string; sessionToken?: string; date?: Date };
  /** Changes the request after signing (a tampered request). */
  alter?: (r: { path: string; headers: Record<string, string>; body: string }) => void;
}

/** Signs (optionally) with the SDK's signer and sends over loopback; returns the verifier's verdict. */
async function send(init: Send): Promise<SigV4Verdict> {
  const host = `127.0.0.1:${port}`;
  const query = init.query ?? {};
  const request = {
    method: init.method ?? 'POST',
    protocol: 'http:',
    hostname: host,
    path: init.path ?? '/',
    query,
    headers: { host, 'content-type': 'application/json', ...init.headers } as Record<string, string>,
    body: init.body ?? '',
  };
  let headers = request.headers;
  if (init.sign) {
    const signer = new SignatureV4({
      credentials: { accessKeyId: init.sign.accessKeyId, secretAccessKey: init.sign.secretAccessKey, sessionToken: init.sign.sessionToken },
      region: init.sign.region ?? REGION,
      service: init.sign.service ?? 'lambda',
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign(request, init.sign.date ? { signingDate: init.sign.date } : undefined);
    headers = signed.headers as Record<string, string>;
  }
  const wire = { path: request.path, headers: { ...headers }, body: request.body };
  init.alter?.(wire);
  const qs = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]))).toString().replace(/\+/g, '%20');
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: request.method, path: wire.path + (qs ? `?${qs}` : ''), headers: wire.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(parts).toString()));
        } catch (err) {
          reject(new Error(`status ${res.statusCode}: not a verdict`, { cause: err }));
        }
      });
    });
    req.on('error', reject);
    req.end(wire.body);
  });
}

const OK_KEY = { accessKeyId: 'AKIDLOCALEXAMPLE', secretAccessKey: 'local-secret' };

describe('verifySigV4 against the SDK signer', () => {
  it.each([
    ['a POST with a JSON body', {}],
    ['a GET with a query, repeats and spaces', { method: 'GET', body: '', query: { b: 'x y', a: ['2', '1'] } }],
    ['a path with an encoded segment', { path: '/items/a%20b' }],
    ['a session token', { sessionTokenCase: true }],
    ['an unsigned-payload hash header', { headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }],
  ])('accepts %s signed with a known credential', async (_name, extra: Partial<Send> & { sessionTokenCase?: boolean }) => {
    const sign = extra.sessionTokenCase ? { ...OK_KEY, sessionToken: 'token-1' } : OK_KEY;
    const verdict = await send({ body: '{"a":1}', ...extra, sign });
    expect(verdict).toEqual({
      ok: true,
      caller: {
        accessKey: 'AKIDLOCALEXAMPLE',
        accountId: '210987654321',
        callerId: expect.stringMatching(/^AIDA[0-9A-F]{17}$/),
        userArn: 'arn:aws:iam::210987654321:user/AKIDLOCALEXAMPLE',
        userId: expect.stringMatching(/^AIDA/),
      },
    });
  });

  it('uses a credential’s own userArn and the default account when it names none', async () => {
    const verdict = await send({ sign: { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second-secret' } });
    expect(verdict).toMatchObject({ ok: true, caller: { accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:role/dev' } });
  });

  it.each<[string, Send, RegExp]>([
    ['unsigned', {}, /not signed/],
    ['signed with a wrong secret', { sign: { ...OK_KEY, secretAccessKey: 'nope' } }, /does not match/],
    ['signed by an unknown access key', { sign: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' } }, /not one of/],
    ['signed for another region', { sign: { ...OK_KEY, region: 'eu-west-1' } }, /credential scope/],
    ['signed for another service', { sign: { ...OK_KEY, service: 'execute-api' } }, /credential scope/],
    ['signed long ago', { sign: { ...OK_KEY, date: new Date(Date.now() - 60 * 60 * 1000) } }, /15 minutes/],
    ['with a body changed after signing', { body: '{"a":1}', sign: OK_KEY, alter: (r) => void (r.body = '{"a":2}') }, /does not match|X-Amz-Content-Sha256/],
    ['with a path changed after signing', { sign: OK_KEY, alter: (r) => void (r.path = '/other') }, /does not match/],
    ['with a signed header removed', { sign: OK_KEY, alter: (r) => void delete r.headers['content-type'] }, /content-type is missing/],
    ['with a garbled Authorization header', { headers: { authorization: 'Bearer abc' } }, /not AWS4-HMAC-SHA256/],
  ])('refuses a request %s', async (_name, init, reason) => {
    const verdict = await send(init);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });
});
