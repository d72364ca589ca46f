// The Runtime API on the wire, driven by a hand-written runtime: RIE's statuses, bodies and state machine.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { request } from 'node:http';
import { RuntimeApiServer, type RuntimeOutcome } from '../../runtime-api/server.js';
import { silentLogger } from '../../src/core/logger.js';

let api: RuntimeApiServer;
let base: string;

beforeEach(async () => {
  api = await RuntimeApiServer.listen({ logger: silentLogger() });
  base = `http://${api.address}`;
});
afterEach(async () => {
  await api.close();
});

const invocation = (requestId: string, payload = '{"x":1}') => ({
  requestId,
  payload: Buffer.from(payload),
  deadlineMs: Date.now() + 3000,
  functionArn: 'arn:aws:lambda:us-east-1:012345678912:function:f',
  traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
  clientContext: '{"custom":{"a":1}}',
  cognitoIdentity: '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}',
});

const next = () => fetch(`${base}/2018-06-01/runtime/invocation/next`);
const post = (path: string, body = '{}', headers: Record<string, string> = {}) =>
  fetch(`${base}/2018-06-01${path}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });

/** Starts the runtime side: first /next, an invocation handed over, its /next answered. */
async function handOver(id: string) {
  const pending = next();
  const running = api.run(invocation(id));
  const res = await pending;
  await res.arrayBuffer();
  return { res, running };
}

describe('GET /runtime/invocation/next', () => {
  it('is held until an invocation arrives, then carries every header a runtime reads', async () => {
    const pending = next();
    let answered = false;
    void pending.then(() => (answered = true));
    await api.ready;
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    api.run(invocation('req-1'));
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"x":1}');
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': 'req-1',
      'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:012345678912:function:f',
      'lambda-runtime-trace-id': 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
      'lambda-runtime-client-context': '{"custom":{"a":1}}',
      'lambda-runtime-cognito-identity': '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}',
    });
    expect(Number(res.headers.get('lambda-runtime-deadline-ms'))).toBeGreaterThan(Date.now());
  });

  it('hands an invocation queued before the first /next over as soon as the runtime asks', async () => {
    api.run(invocation('early'));
    const res = await next();
    expect(res.headers.get('lambda-runtime-aws-request-id')).toBe('early');
  });

  it('returns the same event again when called twice during one invocation', async () => {
    await handOver('twice');
    const again = await next();
    expect(again.headers.get('lambda-runtime-aws-request-id')).toBe('twice');
    expect(await again.text()).toBe('{"x":1}');
  });

  it('completes the invocation when the runtime comes back after responding', async () => {
    const { running } = await handOver('done');
    await post('/runtime/invocation/done/response', '"ok"');
    let finished = false;
    void running.done.then(() => (finished = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(finished).toBe(false);
    void next().catch(() => {});
    await running.done;
  });
});

describe('POST /runtime/invocation/{id}/response and /error', () => {
  it('accepts a response with 202 {"status":"OK"} and hands it over', async () => {
    const { running } = await handOver('r1');
    const res = await post('/runtime/invocation/r1/response', '{"answer":42}');
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('{"status":"OK"}\n');
    const outcome = await running.outcome;
    expect(outcome.kind).toBe('response');
    expect((outcome as { body: Buffer }).body.toString()).toBe('{"answer":42}');
  });

  it('answers a response posted with x-emulate-then-next (emulate\'s own client) with the next invocation, which completes the first', async () => {
    const { running } = await handOver('t1');
    const answer = post('/runtime/invocation/t1/response', '{"answer":1}', { 'x-emulate-then-next': '1' });
    const outcome = await running.outcome;
    expect((outcome as { body: Buffer }).body.toString()).toBe('{"answer":1}');
    await running.done; // the POST stands for the runtime's /next
    const second = api.run(invocation('t2', '{"x":2}'));
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.headers.get('lambda-runtime-aws-request-id')).toBe('t2');
    expect(await res.text()).toBe('{"x":2}');
    // An error post with the header, and a /response without it, keep Lambda's 202.
    expect((await post('/runtime/invocation/t2/error', '{"errorType":"E","errorMessage":"m"}', { 'x-emulate-then-next': '1' })).status).toBe(202);
    expect((await second.outcome).kind).toBe('error');
  });

  it.each([
    ['an unknown id', 'other'],
    ['an empty id', ''],
  ])('refuses %s with 400 InvalidRequestID', async (_label, id) => {
    await handOver('r2');
    const res = await post(`/runtime/invocation/${id}/response`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}\n');
  });

  it('refuses a response when no invocation is in flight with 400', async () => {
    const res = await post('/runtime/invocation/ghost/response');
    expect(res.status).toBe(400);
  });

  it.each([
    ['response', 'response', 'InvocationResponse'],
    ['response', 'error', 'InvocationErrorResponse'],
    ['error', 'response', 'InvocationResponse'],
    ['error', 'error', 'InvocationErrorResponse'],
  ])('refuses a %s followed by a %s with 403 InvalidStateTransition', async (first, second, target) => {
    await handOver('r3');
    expect((await post(`/runtime/invocation/r3/${first}`)).status).toBe(202);
    const res = await post(`/runtime/invocation/r3/${second}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe(
      `{"errorMessage":"State transition from RuntimeResponseSentState to ${target} failed for runtime. Error: State transition is not allowed","errorType":"InvalidStateTransition"}\n`,
    );
  });

  it('answers a response over 6,291,556 bytes with 413 and reports its size; exactly 6,291,556 is accepted', async () => {
    const { running } = await handOver('big');
    const res = await post('/runtime/invocation/big/response', 'x'.repeat(6_291_557));
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}\n');
    expect(await running.outcome).toEqual({ kind: 'too-large', size: 6_291_557 });

    const again = next();
    const second = api.run(invocation('fits'));
    await (await again).arrayBuffer();
    expect((await post('/runtime/invocation/fits/response', 'x'.repeat(6_291_556))).status).toBe(202);
    expect(((await second.outcome) as { body: Buffer }).body.length).toBe(6_291_556);
  });

  it.each<[string, Record<string, string>, string, string]>([
    ['the error-type header', { 'Lambda-Runtime-Function-Error-Type': 'Function.MyError' }, '{"errorType":"X"}', 'Function.MyError'],
    ['the JSON body when no header is sent (Node RIC)', {}, '{"errorType":"MyCustomError","errorMessage":"kaboom"}', 'MyCustomError'],
    ['a sanitised header', { 'Lambda-Runtime-Function-Error-Type': 'Function.bad type' }, '{}', 'Function.Unknown'],
    ['a sanitised non-Function header', { 'Lambda-Runtime-Function-Error-Type': 'whatever' }, '{}', 'Runtime.Unknown'],
  ])('takes the error type from %s', async (_label, headers, body, expected) => {
    const { running } = await handOver('e1');
    expect((await post('/runtime/invocation/e1/error', body, headers)).status).toBe(202);
    const outcome = (await running.outcome) as Extract<RuntimeOutcome, { kind: 'error' }>;
    expect(outcome.errorType).toBe(expected);
    expect(outcome.body.toString()).toBe(body);
  });

  it('re-serialises an error-cause body without errorCause, and a broken one as "Invalid error body"', async () => {
    const { running } = await handOver('c1');
    await post('/runtime/invocation/c1/error', '{"errorMessage":"m","errorType":"T","stackTrace":["s"],"errorCause":{"x":1}}', {
      'Content-Type': 'application/vnd.aws.lambda.error.cause+json',
      'Lambda-Runtime-Function-XRay-Error-Cause': '{"working_directory":"/var/task","exceptions":[],"paths":[]}',
    });
    expect(((await running.outcome) as { body: Buffer }).body.toString()).toBe('{"errorMessage":"m","errorType":"T","stackTrace":["s"]}');

    void next().catch(() => {});
    const second = api.run(invocation('c2'));
    await new Promise((r) => setTimeout(r, 20));
    await post('/runtime/invocation/c2/error', 'not json', { 'Content-Type': 'application/vnd.aws.lambda.error.cause+json' });
    expect(((await second.outcome) as { body: Buffer }).body.toString()).toBe('"Invalid error body"');
  });

  it('refuses a response mode other than "streaming" with 400 InvalidFunctionResponseMode', async () => {
    const { running } = await handOver('m1');
    const res = await post('/runtime/invocation/m1/response', '{}', { 'Lambda-Runtime-Function-Response-Mode': 'bogus' });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('{"errorMessage":"Invalid function response mode","errorType":"InvalidFunctionResponseMode"}\n');
    expect(await running.outcome).toEqual({ kind: 'bad-response-mode', mode: 'bogus' });
  });

  it('reads a streamed response and turns error trailers into a function error', async () => {
    const { running } = await handOver('s1');
    const errorBody = JSON.stringify({ errorType: 'TypeError', errorMessage: 'mid-stream', trace: [] });
    await new Promise<void>((resolve, reject) => {
      const req = request(`${base}/2018-06-01/runtime/invocation/s1/response`, {
        method: 'POST',
        headers: {
          'Lambda-Runtime-Function-Response-Mode': 'streaming',
          'Transfer-Encoding': 'chunked',
          Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
        },
      });
      req.on('response', (res) => {
        expect(res.statusCode).toBe(202);
        res.resume();
        resolve();
      });
      req.on('error', reject);
      req.write('partial ');
      req.addTrailers({
        'Lambda-Runtime-Function-Error-Type': 'TypeError',
        'Lambda-Runtime-Function-Error-Body': Buffer.from(errorBody).toString('base64'),
      });
      req.end();
    });
    const outcome = (await running.outcome) as Extract<RuntimeOutcome, { kind: 'error' }>;
    expect(outcome.kind).toBe('error');
    expect(outcome.errorType).toBe('TypeError');
    expect(outcome.body.toString()).toBe(errorBody);
  });
});

describe('POST /runtime/init/error', () => {
  it('is accepted before the first /next and reported', async () => {
    const res = await post('/runtime/init/error', '{"errorMessage":"init failed","errorType":"InitProbeError"}', {
      'Lambda-Runtime-Function-Error-Type': 'Runtime.InitProbeError',
    });
    expect(res.status).toBe(202);
    const failure = await api.initFailed;
    expect(failure.errorType).toBe('Runtime.InitProbeError');
    expect(failure.body.toString()).toBe('{"errorMessage":"init failed","errorType":"InitProbeError"}');
    const after = await next();
    expect(after.status).toBe(403);
    expect(await after.text()).toContain('State transition from InitError to Ready failed');
  });

  it('is refused with 403 once the runtime is running', async () => {
    await handOver('i1');
    const res = await post('/runtime/init/error');
    expect(res.status).toBe(403);
    expect(await res.text()).toBe(
      '{"errorMessage":"State transition from Running to InitError failed for runtime. Error: State transition is not allowed","errorType":"InvalidStateTransition"}\n',
    );
  });
});

describe('routing', () => {
  it.each([
    ['GET', '/2018-06-01/ping', 200, 'pong'],
    ['POST', '/2018-06-01/runtime/invocation/next', 405, ''],
    ['DELETE', '/2018-06-01/runtime/invocation/x/error', 405, ''],
    ['GET', '/2018-06-01/nope', 404, '404 page not found\n'],
    // Served for registered extensions (RIE answers 202 "not supported" stubs): a request without an identifier is refused.
    ['PUT', '/2020-08-15/logs', 403, '{"errorMessage":"Missing Lambda-Extension-Identifier header","errorType":"Extension.MissingExtensionIdentifier"}\n'],
    ['PUT', '/2022-07-01/telemetry', 403, '{"errorMessage":"Missing Lambda-Extension-Identifier header","errorType":"Extension.MissingExtensionIdentifier"}\n'],
  ])('%s %s answers %i', async (method, path, status, body) => {
    const res = await fetch(`${base}${path}`, { method });
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(body);
  });

  it('answers errors as JSON even when the runtime asks for XML', async () => {
    const res = await fetch(`${base}/2018-06-01/runtime/invocation/x/response`, { method: 'POST', body: '{}', headers: { Accept: 'application/xml' } });
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('listens on 127.0.0.1 and a free port by default', () => {
    expect(api.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});

describe('a runtime that pipelines /next behind its answer (emulate’s Node client does)', () => {
  /** Writes raw bytes on one connection and collects what comes back. */
  async function rawConnection() {
    const { connect } = await import('node:net');
    const [host, port] = [api.address.slice(0, api.address.lastIndexOf(':')), Number(api.address.slice(api.address.lastIndexOf(':') + 1))];
    const socket = connect({ host, port });
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1').toLowerCase()));
    return { socket, received: () => received };
  }
  const answers = (text: string) => [...text.matchAll(/http\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

  it('reads the answer first, then holds the /next (and the 202) and hands it the next invocation', async () => {
    const conn = await rawConnection();
    const first = api.run(invocation('p-1'));
    conn.socket.write('GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n');
    await vi.waitFor(() => expect(conn.received()).toContain('lambda-runtime-aws-request-id: p-1'));
    // The answer and the next /next in one write.
    conn.socket.write(
      'POST /2018-06-01/runtime/invocation/p-1/response HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n"ok"' +
        'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(await first.outcome).toMatchObject({ kind: 'response', body: Buffer.from('"ok"') });
    await first.done;
    // The 202 waits for the pipelined /next's answer: the runtime is not waiting for it, and both arrive together.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answers(conn.received())).toEqual([200]);
    const second = api.run(invocation('p-2'));
    await vi.waitFor(() => expect(answers(conn.received())).toEqual([200, 202, 200]));
    expect(conn.received()).toContain('lambda-runtime-aws-request-id: p-2');
    conn.socket.write('POST /2018-06-01/runtime/invocation/p-2/error HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await second.outcome).toMatchObject({ kind: 'error' });
    await second.done;
    conn.socket.destroy();
  });

  it('answers the 202 at once when the /next that came during the answer is on another connection', async () => {
    const a = await rawConnection();
    const running = api.run(invocation('two-conns'));
    a.socket.write('GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n');
    await vi.waitFor(() => expect(a.received()).toContain('lambda-runtime-aws-request-id: two-conns'));
    // The answer's head first; a /next on a second connection while its body is still coming.
    a.socket.write('POST /2018-06-01/runtime/invocation/two-conns/response HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n');
    const b = await rawConnection();
    b.socket.write('GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    a.socket.write('"ok"');
    expect(await running.outcome).toMatchObject({ kind: 'response' });
    await running.done;
    await vi.waitFor(() => expect(answers(a.received())).toEqual([200, 202]));
    api.run(invocation('on-b'));
    await vi.waitFor(() => expect(b.received()).toContain('lambda-runtime-aws-request-id: on-b'));
    a.socket.destroy();
    b.socket.destroy();
  });

  it('answers a request id with a malformed escape 400 InvalidRequestID, and keeps serving', async () => {
    await handOver('good');
    const res = await post('/runtime/invocation/%E0%A4%A/response', '"x"');
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}\n');
    expect((await post('/runtime/invocation/good/response', '"ok"')).status).toBe(202);
  });

  it('keeps the order of answers when the pipelined answer is refused (413), and serves the /next after it', async () => {
    const conn = await rawConnection();
    const running = api.run(invocation('big'));
    conn.socket.write('GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n');
    await vi.waitFor(() => expect(conn.received()).toContain('lambda-runtime-aws-request-id: big'));
    const size = 6_291_557;
    conn.socket.write(`POST /2018-06-01/runtime/invocation/big/response HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`);
    conn.socket.write(Buffer.alloc(size, 'a'));
    conn.socket.write('GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await running.outcome).toMatchObject({ kind: 'too-large', size });
    await running.done;
    await vi.waitFor(() => expect(answers(conn.received())).toEqual([200, 413]));
    api.run(invocation('after'));
    await vi.waitFor(() => expect(conn.received()).toContain('lambda-runtime-aws-request-id: after'));
    conn.socket.destroy();
  });
});
