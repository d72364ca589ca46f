// start-api streams a REST route whose integration has ResponseTransferMode STREAM (SAM Api event, CloudFormation, OpenAPI), through undici on the process runner.
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRouteTable } from '../../apigw/index.js';
import { createEmulator, loadTemplate, type Emulator } from '../../src/index.js';
import { arrivals, cutBody, expectApart } from '../helpers/streams.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/rest-stream/template.yaml', import.meta.url));

let emu: Emulator;
beforeAll(async () => {
  emu = await createEmulator({ template: TEMPLATE, runner: 'process', port: 0, lambdaPort: false, functionUrlPorts: false, logLevel: 'silent' });
});
afterAll(() => emu?.close());

describe('a REST route with ResponseTransferMode STREAM', () => {
  it('is read from the SAM Api event and shown as streamed in the route table', () => {
    const sse = emu.routes.find((r) => r.path === '/sse')!;
    expect(sse.responseTransferMode).toBe('STREAM');
    expect(emu.routes.find((r) => r.path === '/plain')!.responseTransferMode).toBeUndefined();
    expect(formatRouteTable(emu, emu.apiUrl!)).toMatch(/\/Prod\/sse\s+SseFunction\s+ServerlessRestApi \(REST API\)\s+payload 1\.0, streamed/);
  });

  it.each(['/sse', '/Prod/sse'])('streams %s as it is written: the first event long before the second (1 s later), with the metadata’s status, headers and cookies', async (path) => {
    const started = Date.now();
    const res = await request(`${emu.apiUrl}${path}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['x-multi']).toEqual(['a', 'b']);
    expect(res.headers['set-cookie']).toBe('session=s1; Path=/');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const got = await arrivals(res.body, started);
    expect(got.map((g) => g.text).join('')).toBe('data: one\n\ndata: two\n\n');
    expectApart(got, 'one', 'two', 600);
  }, 20_000);

  it('cuts the connection when the function fails after the first event (the status was sent)', async () => {
    const res = await request(`${emu.apiUrl}/stream/fail`);
    expect(res.statusCode).toBe(207);
    expect(await cutBody(res.body)).toBe('data: one\n\n');
  }, 20_000);

  it.each([
    ['a function that fails before its metadata', '/stream/throw'],
    ['output without the metadata and delimiter', '/stream/raw'],
    ['a buffered handler behind STREAM (no delimiter)', '/plain-streamed'],
  ])('answers 502 {"message": "Internal server error"} for %s', async (_name, path) => {
    const res = await request(`${emu.apiUrl}${path}`);
    expect(res.statusCode).toBe(502);
    expect(await res.body.text()).toBe('{"message": "Internal server error"}');
  }, 20_000);

  it('keeps buffering a route without ResponseTransferMode', async () => {
    const res = await request(`${emu.apiUrl}/plain`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('8');
    expect(await res.body.text()).toBe('buffered');
  });

  it('goes on serving after a client disconnects mid-stream', async () => {
    const controller = new AbortController();
    const res = await request(`${emu.apiUrl}/sse`, { signal: controller.signal });
    const iterator = res.body[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    const next = await request(`${emu.apiUrl}/sse`);
    expect(await next.body.text()).toBe('data: one\n\ndata: two\n\n');
  }, 20_000);
});

describe('ResponseTransferMode in CloudFormation and OpenAPI', () => {
  it('reads Integration.ResponseTransferMode of AWS::ApiGateway::Method and responseTransferMode of x-amazon-apigateway-integration', async () => {
    const model = await loadTemplate({ template: fileURLToPath(new URL('../../fixtures/rest-stream/cloudformation.yaml', import.meta.url)) });
    const byPath = Object.fromEntries(model.routes.map((r) => [r.path, r.responseTransferMode]));
    expect(byPath).toEqual({ '/events': 'STREAM', '/feed': 'STREAM' });
  });

  it('refuses a ResponseTransferMode other than STREAM or BUFFERED, naming file, line and property', async () => {
    const file = fileURLToPath(new URL(`../../fixtures/rest-stream/bad-mode-${process.pid}.yaml`, import.meta.url));
    writeFileSync(
      file,
      ['Transform: AWS::Serverless-2016-10-31', 'Resources:', '  Fn:', '    Type: AWS::Serverless::Function', '    Properties:', '      Runtime: nodejs20.x', '      CodeUri: src/', '      Handler: sse.handler', '      Events:', '        E:', '          Type: Api', '          Properties:', '            Path: /x', '            Method: GET', '            ResponseTransferMode: FAST', ''].join('\n'),
    );
    try {
      await expect(loadTemplate({ template: file })).rejects.toThrow(/:15:\d+: .*ResponseTransferMode: "FAST" must be STREAM or BUFFERED/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
