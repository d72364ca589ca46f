// Function URL translators: events valid for Powertools and @types/aws-lambda, result and prelude mapping, CORS, error answers.
import { LambdaFunctionUrlSchema } from '@aws-lambda-powertools/parser/schemas';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { applyFunctionUrlCors, functionUrlPreflight } from '../../apigw/function-url/cors.js';
import { buildFunctionUrlEvent, type FunctionUrlSettings } from '../../apigw/function-url/event.js';
import { FUNCTION_URL_ERRORS, PreludeReader, functionUrlErrorResponse, responseFromFunctionUrl } from '../../apigw/function-url/response.js';
import { headerLines } from '../../apigw/request.js';
import type { CorsSpec } from '../../src/core/model.js';
import { FIXED_IDENTITY, gatewayRequest } from '../apigw/helpers.js';

const URL_SETTINGS: FunctionUrlSettings = { urlId: 'abcdefghijklmnopqrstuvwxyz012345', region: 'eu-west-1', accountId: '123456789012' };
const IDENTITY = { ...FIXED_IDENTITY, requestId: '7f1b2c3d-0000-4000-8000-000000000001' };

// Type-level check: the event we build is assignable to @types/aws-lambda's LambdaFunctionURLEvent.
const typed: (e: ReturnType<typeof buildFunctionUrlEvent>) => LambdaFunctionURLEvent = (e) => e;

describe('buildFunctionUrlEvent', () => {
  const cases = [
    ['a bare GET', { url: '/' }],
    ['a path and query with repeats', { url: '/a/b%20c?x=1&x=2&y=%7Bz%7D' }],
    ['cookies and a JSON body', { method: 'POST', url: '/items', headers: [['Host', 'x'], ['Cookie', 'a=1; b=2'], ['Content-Type', 'application/json']] as Array<[string, string]>, body: '{"k":1}' }],
    ['a binary body', { method: 'PUT', url: '/bin', headers: [['Host', 'x'], ['Content-Type', 'application/octet-stream']] as Array<[string, string]>, body: Buffer.from([0, 255, 1]) }],
  ] as const;

  it.each(cases)('builds %s that validates against LambdaFunctionUrlSchema', (_name, init) => {
    const event = typed(buildFunctionUrlEvent(gatewayRequest(init), URL_SETTINGS, IDENTITY));
    const parsed = LambdaFunctionUrlSchema.safeParse(event);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
  });

  it('fills the $default sentinels and the lambda-url domain, with the URL id as apiId and domainPrefix', () => {
    const event = buildFunctionUrlEvent(gatewayRequest({ url: '/x' }), URL_SETTINGS, IDENTITY);
    expect(event.routeKey).toBe('$default');
    expect(event.requestContext).toMatchObject({
      accountId: 'anonymous',
      apiId: URL_SETTINGS.urlId,
      domainName: `${URL_SETTINGS.urlId}.lambda-url.eu-west-1.on.aws`,
      domainPrefix: URL_SETTINGS.urlId,
      routeKey: '$default',
      stage: '$default',
      requestId: IDENTITY.requestId,
      timeEpoch: IDENTITY.timeEpochMs,
    });
    expect(event.requestContext.authorizer).toBeUndefined();
    // No stage prefix: the path is the request's own.
    expect(event.rawPath).toBe('/x');
    expect(event.requestContext.http.path).toBe('/x');
  });

  it('moves Cookie to cookies, joins repeated query values and base64-encodes binary bodies', () => {
    const event = buildFunctionUrlEvent(gatewayRequest(cases[2][1]), URL_SETTINGS, IDENTITY);
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers.cookie).toBeUndefined();
    expect(event).toMatchObject({ body: '{"k":1}', isBase64Encoded: false });
    const query = buildFunctionUrlEvent(gatewayRequest(cases[1][1]), URL_SETTINGS, IDENTITY);
    expect(query.rawQueryString).toBe('x=1&x=2&y=%7Bz%7D');
    expect(query.queryStringParameters).toEqual({ x: '1,2', y: '{z}' });
    const binary = buildFunctionUrlEvent(gatewayRequest(cases[3][1]), URL_SETTINGS, IDENTITY);
    expect(binary).toMatchObject({ body: Buffer.from([0, 255, 1]).toString('base64'), isBase64Encoded: true });
  });

  it('omits cookies, queryStringParameters and body when the request has none', () => {
    const event = buildFunctionUrlEvent(gatewayRequest({}), URL_SETTINGS, IDENTITY);
    expect(Object.keys(event)).not.toEqual(expect.arrayContaining(['cookies']));
    expect('queryStringParameters' in event || 'body' in event || 'cookies' in event).toBe(false);
  });

  it('reports an AWS_IAM caller in authorizer.iam and its account as accountId', () => {
    const caller = { accessKey: 'AKIDLOCAL', accountId: '210987654321', callerId: 'AIDAX', userArn: 'arn:aws:iam::210987654321:user/dev', userId: 'AIDAX' };
    const event = buildFunctionUrlEvent(gatewayRequest({}), URL_SETTINGS, IDENTITY, caller);
    expect(event.requestContext.accountId).toBe('210987654321');
    expect(event.requestContext.authorizer?.iam).toEqual({ ...caller, cognitoIdentity: null, principalOrgId: null });
    expect(LambdaFunctionUrlSchema.safeParse(event).success).toBe(true);
  });
});

describe('responseFromFunctionUrl', () => {
  it.each([
    ['a structured result with cookies', { statusCode: 201, headers: { 'x-a': 'b' }, cookies: ['s=1', 't=2'], body: 'made' }, 201, 'made', [['x-a', 'b'], ['set-cookie', 's=1'], ['set-cookie', 't=2']]],
    ['an object without statusCode (JSON 200)', { hello: 'world' }, 200, '{"hello":"world"}', [['content-type', 'application/json']]],
    ['a JSON string (its content)', 'plain text', 200, 'plain text', [['content-type', 'application/json']]],
    ['a base64 body', { statusCode: 200, body: Buffer.from('bin\0').toString('base64'), isBase64Encoded: true }, 200, 'bin\0', []],
  ])('maps %s', (_name, result, status, body, headers) => {
    const parsed = responseFromFunctionUrl(Buffer.from(JSON.stringify(result)));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.response.statusCode).toBe(status);
    expect(parsed.response.body.toString('latin1')).toBe(body);
    expect(parsed.response.headers).toEqual(expect.arrayContaining(headers));
  });

  it('calls a result with an impossible statusCode malformed (a 502 for the client)', () => {
    const parsed = responseFromFunctionUrl(Buffer.from('{"statusCode":42}'));
    expect(parsed.ok).toBe(false);
  });
});

describe('PreludeReader (application/vnd.awslambda.http-integration-response)', () => {
  const prelude = Buffer.from(JSON.stringify({ statusCode: 201, headers: { 'content-type': 'text/event-stream' }, cookies: ['c=1'] }));
  const NULS = Buffer.alloc(8);

  it('reads a prelude split across chunks, even inside the 8 NUL bytes, and hands on the body after it', () => {
    const whole = Buffer.concat([prelude, NULS, Buffer.from('data: 1\n\n')]);
    const reader = new PreludeReader();
    const cut1 = 5;
    const cut2 = prelude.byteLength + 3; // inside the delimiter
    expect(reader.feed(whole.subarray(0, cut1))).toEqual({ state: 'need-more' });
    expect(reader.feed(whole.subarray(cut1, cut2))).toEqual({ state: 'need-more' });
    const step = reader.feed(whole.subarray(cut2));
    expect(step.state).toBe('done');
    if (step.state !== 'done') return;
    expect(step.prelude).toEqual({ statusCode: 201, headers: [['content-type', 'text/event-stream'], ['set-cookie', 'c=1']] });
    expect(step.rest.toString()).toBe('data: 1\n\n');
  });

  it('keeps NUL bytes of the body that follow the delimiter', () => {
    const step = new PreludeReader().feed(Buffer.concat([Buffer.from('{}'), NULS, Buffer.from([0, 0, 7])]));
    expect(step).toMatchObject({ state: 'done', prelude: { statusCode: 200, headers: [] } });
    if (step.state === 'done') expect([...step.rest]).toEqual([0, 0, 7]);
  });

  it('accepts a prelude whose stream ended without a body', () => {
    const reader = new PreludeReader();
    expect(reader.feed(Buffer.from('{"statusCode":204}'))).toEqual({ state: 'need-more' });
    expect(reader.end()).toMatchObject({ state: 'done', prelude: { statusCode: 204 } });
  });

  it.each([
    ['not JSON', Buffer.concat([Buffer.from('nope'), NULS])],
    ['a bad status', Buffer.concat([Buffer.from('{"statusCode":"x"}'), NULS])],
    ['headers not an object', Buffer.concat([Buffer.from('{"headers":[]}'), NULS])],
    ['cookies not a list', Buffer.concat([Buffer.from('{"cookies":"a=1"}'), NULS])],
  ])('rejects a prelude that is %s', (_name, bytes) => {
    expect(new PreludeReader().feed(bytes).state).toBe('invalid');
  });

  it('gives up when no delimiter comes within its limit instead of buffering the body', () => {
    expect(new PreludeReader(16).feed(Buffer.alloc(17, 65)).state).toBe('invalid');
  });
});

describe('Function URL CORS', () => {
  const cors: CorsSpec = { allowOrigins: ['https://app.example'], allowMethods: ['GET', 'POST'], allowHeaders: ['x-custom'], exposeHeaders: ['x-total'], allowCredentials: true, maxAgeSeconds: 300 };
  const preflightLines = headerLines(['Origin', 'https://app.example', 'Access-Control-Request-Method', 'POST']);

  it('answers a preflight itself with the configured values for an allowed origin', () => {
    const res = functionUrlPreflight(cors, 'OPTIONS', preflightLines);
    expect(res?.headers).toEqual(
      expect.arrayContaining([
        ['access-control-allow-origin', 'https://app.example'],
        ['access-control-allow-credentials', 'true'],
        ['access-control-allow-methods', 'GET,POST'],
        ['access-control-allow-headers', 'x-custom'],
        ['access-control-max-age', '300'],
      ]),
    );
  });

  it('lets OPTIONS reach the function when no Cors is configured, or when it is not a preflight', () => {
    expect(functionUrlPreflight(undefined, 'OPTIONS', preflightLines)).toBeUndefined();
    expect(functionUrlPreflight(cors, 'OPTIONS', headerLines(['Origin', 'https://app.example']))).toBeUndefined();
  });

  it('replaces the function’s own CORS headers with the configured ones, and adds none for other origins', () => {
    const response = { statusCode: 200, headers: [['access-control-allow-origin', '*'], ['x-a', 'b']] as Array<[string, string]>, body: Buffer.alloc(0) };
    const allowed = applyFunctionUrlCors(cors, headerLines(['Origin', 'https://app.example']), response);
    expect(allowed.headers).toEqual([['x-a', 'b'], ['access-control-allow-origin', 'https://app.example'], ['access-control-allow-credentials', 'true'], ['access-control-expose-headers', 'x-total']]);
    const other = applyFunctionUrlCors(cors, headerLines(['Origin', 'https://evil.example']), response);
    expect(other.headers).toEqual([['x-a', 'b']]);
    expect(applyFunctionUrlCors(undefined, [], response)).toBe(response);
  });
});

describe('Function URL error answers', () => {
  it.each(Object.entries(FUNCTION_URL_ERRORS))('answers %s with its status and body', (problem, { statusCode, body }) => {
    const res = functionUrlErrorResponse(problem as keyof typeof FUNCTION_URL_ERRORS);
    expect(res.statusCode).toBe(statusCode);
    expect(res.body.toString()).toBe(body);
  });
});
