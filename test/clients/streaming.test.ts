// Response streaming under emulate's Node client: the streamed POST on the wire, and the buffered result an environment makes of it.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_INTEGRATION_CONTENT_TYPE } from '../../runtime-api/clients/node/response-stream.js';
import { RUNTIME_HEADER, RUNTIME_PATH, STREAMING_MODE } from '../../src/core/wire.js';
import { body, NODE_FIXTURES, RecordingRuntimeApi, spawnClient, startFunction, type RunningFunction } from './harness.js';

const STREAMING = join(NODE_FIXTURES, 'streaming');
const NUL8 = '\0'.repeat(8);

const running: RunningFunction[] = [];
const apis: RecordingRuntimeApi[] = [];
afterEach(async () => {
  await Promise.all([...running.splice(0).map((f) => f.close()), ...apis.splice(0).map((a) => a.close())]);
});

describe('a streamed response through an environment (buffered by emulate)', () => {
  it.each([
    ['chunks are concatenated, with the content type the handler set', 'index.plain', 'hello world', 'text/plain'],
    [
      'an HTTP integration response is prelude + 8 NUL bytes + body',
      'index.httpIntegration',
      `{"statusCode":201,"headers":{"x-custom":"yes"},"cookies":["a=b"]}${NUL8}<p>streamed</p>`,
      HTTP_INTEGRATION_CONTENT_TYPE,
    ],
    ['end(body) after HttpResponseStream.from still sends the prelude', 'index.preludeThenEnd', `{"statusCode":202}${NUL8}only via end`, HTTP_INTEGRATION_CONTENT_TYPE],
    ['objects are written as JSON', 'index.objectChunk', '{"chunk":1}', 'application/octet-stream'],
    ['a pipeline() into the stream arrives whole', 'index.piped', 'abc', 'application/octet-stream'],
  ])('%s', async (_name, handler, payload, contentType) => {
    const fn = await startFunction({ client: 'emulate', taskRoot: STREAMING, handler });
    running.push(fn);
    const result = await fn.invoke({});
    expect(result.ok).toBe(true);
    expect(result.payload.toString('utf8')).toBe(payload);
    expect(result.ok && result.contentType).toBe(contentType);
  });

  it('turns error trailers into a function error carrying the handler’s error', async () => {
    const fn = await startFunction({ client: 'emulate', taskRoot: STREAMING, handler: 'index.failsMidStream' });
    running.push(fn);
    const result = await fn.invoke({});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.kind).toBe('function');
    expect(body(result)).toMatchObject({ errorType: 'TypeError', errorMessage: 'stream broke' });
    expect(result.log).toContain('\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"stream broke"');
  });
});

describe('the streamed POST on the wire (recorded Runtime API)', () => {
  async function streamedPost(handler: string) {
    const api = await RecordingRuntimeApi.start([{ requestId: 'stream-1', event: {} }]);
    apis.push(api);
    spawnClient('emulate', STREAMING, handler, api.address);
    await api.waitForRequests(3); // /next, the streamed /response, /next again
    const post = api.requests[1]!;
    expect(`${post.method} ${post.path}`).toBe(`POST ${RUNTIME_PATH.invocation}stream-1/response`);
    return post;
  }

  it('declares streaming mode, chunked encoding and both error trailers', async () => {
    const post = await streamedPost('index.httpIntegration');
    expect(post.headers[RUNTIME_HEADER.responseMode]).toBe(STREAMING_MODE);
    expect(post.headers['transfer-encoding']).toBe('chunked');
    expect(post.headers['content-length']).toBeUndefined();
    expect(post.headers['content-type']).toBe(HTTP_INTEGRATION_CONTENT_TYPE);
    expect(String(post.headers.trailer).toLowerCase().split(/,\s*/)).toEqual([RUNTIME_HEADER.errorType, RUNTIME_HEADER.errorBody]);
    expect(post.body.toString('utf8')).toBe(`{"statusCode":201,"headers":{"x-custom":"yes"},"cookies":["a=b"]}${NUL8}<p>streamed</p>`);
    expect(post.trailers).toEqual({});
  });

  it('keeps the body written before a throw and sends the error in base64 trailers', async () => {
    const post = await streamedPost('index.failsMidStream');
    expect(post.body.toString('utf8')).toBe('partial ');
    expect(post.trailers[RUNTIME_HEADER.errorType]).toBe('TypeError');
    const decoded = JSON.parse(Buffer.from(post.trailers[RUNTIME_HEADER.errorBody]!, 'base64').toString('utf8'));
    expect(Object.keys(decoded)).toEqual(['errorType', 'errorMessage', 'trace']);
    expect(decoded).toMatchObject({ errorType: 'TypeError', errorMessage: 'stream broke' });
    expect(decoded.trace[0]).toBe('TypeError: stream broke');
  });
});
