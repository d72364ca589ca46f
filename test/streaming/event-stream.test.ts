// InvokeWithResponseStream framing, decoded by the real @aws-sdk/client-lambda from a loopback server.
import { InvokeWithResponseStreamCommand, LambdaClient, type InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_STREAM, encodeResponseStream, type InvokeCompleteFields } from '../../runtime-api/event-stream.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Serves one framed stream for every request and returns what the SDK yields for it, plus the request path. */
async function throughSdk(chunks: Uint8Array[], complete: InvokeCompleteFields) {
  let path = '';
  server = createServer(async (req, res) => {
    path = req.url ?? '';
    req.resume();
    res.writeHead(200, { 'content-type': EVENT_STREAM.contentType, 'x-amzn-requestid': 'req-1' });
    async function* source() {
      yield* chunks;
    }
    for await (const frame of encodeResponseStream(source(), () => complete)) res.write(frame);
    res.end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const client = new LambdaClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  try {
    const out = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: Buffer.from('{}') }));
    const events: InvokeWithResponseStreamResponseEvent[] = [];
    for await (const event of out.EventStream!) events.push(event);
    return { out, events, path };
  } finally {
    client.destroy();
  }
}

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('InvokeWithResponseStream frames through the real SDK deserialiser', () => {
  it('yields every PayloadChunk in order, byte-exact, then an empty InvokeComplete', async () => {
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    const { events, path, out } = await throughSdk([bytes('hello '), binary, bytes('world')], {});
    expect(path).toBe('/2021-11-15/functions/streamer/response-streaming-invocations');
    expect(out.StatusCode).toBe(200);
    const chunks = events.filter((e) => e.PayloadChunk).map((e) => Buffer.from(e.PayloadChunk!.Payload!));
    expect(chunks).toEqual([bytes('hello '), Buffer.from(binary), bytes('world')]);
    expect(events.at(-1)).toEqual({ InvokeComplete: {} });
    expect(events).toHaveLength(4);
  });

  it.each([
    ['a function error', { ErrorCode: 'Unhandled', ErrorDetails: '{"errorType":"TypeError","errorMessage":"boom"}' }],
    ['a timeout', { ErrorCode: 'Sandbox.Timedout', ErrorDetails: 'Task timed out after 1.00 seconds' }],
    ['Tail logs', { LogResult: Buffer.from('START RequestId: r\nEND RequestId: r\n').toString('base64') }],
    ['an error with Tail logs', { ErrorCode: 'Unhandled', ErrorDetails: '{}', LogResult: 'U1RBUlQ=' }],
  ])('carries %s in InvokeComplete after the chunks', async (_name, complete) => {
    const { events } = await throughSdk([bytes('partial')], complete);
    expect(Buffer.from(events[0]!.PayloadChunk!.Payload!).toString()).toBe('partial');
    expect(events[1]).toEqual({ InvokeComplete: complete });
  });

  it('sends no PayloadChunk for empty chunks, so an empty response is InvokeComplete alone', async () => {
    const { events } = await throughSdk([new Uint8Array(0)], {});
    expect(events).toEqual([{ InvokeComplete: {} }]);
  });

  it('frames a large chunk whole (1 MB in one PayloadChunk)', async () => {
    const big = Buffer.alloc(1024 * 1024, 7);
    const { events } = await throughSdk([big], {});
    expect(Buffer.from(events[0]!.PayloadChunk!.Payload!).equals(big)).toBe(true);
  });
});
