// Microbenchmark behind the "framed private channel" lever of issue 22 (BENCHMARKS.md): the emulator's CPU per
// Runtime API exchange (the runtime's answer in, the next event out) as emulate serves it to its own Node client
// today — a Node HTTP server answering a `x-emulate-then-next` POST with the event and its headers — against
// length-prefixed frames over the same loopback socket, the least any transport can cost. A client in a child
// process answers each event at once. Alternating rounds; the figure is the server's CPU (user + system).
// Usage: node bench/micro/runtime-api-transport.mjs
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { connect, createServer as createTcp } from 'node:net';
import { frame, onFrames } from '../frames.mjs';

const ROUNDS = 6;
const PER_ROUND = 20_000;
const WARM_UP = 1_000;
const EVENT = Buffer.from(JSON.stringify({
  version: '2.0', routeKey: 'GET /', rawPath: '/', rawQueryString: '',
  headers: { host: '127.0.0.1', 'user-agent': 'autocannon', accept: '*/*' },
  requestContext: { accountId: '123456789012', apiId: 'abc', domainName: 'x', http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'x' }, requestId: 'abc=', routeKey: 'GET /', stage: '$default', time: '06/Dec/2026:06:00:00 +0000', timeEpoch: 1 },
  isBase64Encoded: false,
}));
const ANSWER = Buffer.from('{"statusCode":200,"body":"{\\"ok\\":true}"}');
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:f';

function client(mode, port) {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  socket.on('error', () => process.exit(0));
  if (mode === 'frames') {
    onFrames(socket, () => socket.write(frame(ANSWER)));
    socket.write(frame(ANSWER));
    return;
  }
  const post = () => socket.write(`POST /2018-06-01/runtime/invocation/x/response HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nx-emulate-then-next: 1\r\nContent-Length: ${ANSWER.length}\r\n\r\n${ANSWER}`);
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(buf.subarray(0, end).toString())[1]);
      if (buf.length < end + 4 + length) return;
      buf = buf.subarray(end + 4 + length);
      post();
    }
  });
  post();
}

function serve(mode, onExchange) {
  if (mode === 'frames') {
    return createTcp((socket) => {
      socket.setNoDelay(true);
      socket.on('error', () => {});
      onFrames(socket, (bytes) => {
        JSON.parse(bytes);
        onExchange();
        const head = Buffer.from(JSON.stringify({ requestId: 'x', deadlineMs: Date.now() + 3000, functionArn: ARN, traceId: 'Root=1-abc' }));
        const headLength = Buffer.allocUnsafe(4);
        headLength.writeUInt32BE(head.length);
        socket.write(frame(headLength, head, EVENT));
      });
    });
  }
  return createServer({ noDelay: true }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks));
      onExchange();
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': EVENT.length,
        'Lambda-Runtime-Aws-Request-Id': 'x',
        'Lambda-Runtime-Deadline-Ms': Date.now() + 3000,
        'Lambda-Runtime-Invoked-Function-Arn': ARN,
        'Lambda-Runtime-Trace-Id': 'Root=1-abc',
      });
      res.end(EVENT);
    });
  });
}

async function round(mode) {
  let count = 0;
  let started;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const server = serve(mode, () => {
    count++;
    if (count === WARM_UP) started = { at: performance.now(), cpu: process.cpuUsage() };
    if (count === WARM_UP + PER_ROUND) done();
  });
  server.on('connection', (socket) => socket.on('error', () => {}));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const child = fork(new URL(import.meta.url).pathname, ['--client', mode, String(server.address().port)]);
  await finished;
  const cpu = process.cpuUsage(started.cpu);
  const seconds = (performance.now() - started.at) / 1000;
  child.kill();
  server.close();
  server.closeAllConnections?.();
  return { rate: PER_ROUND / seconds, cpuUs: (cpu.user + cpu.system) / PER_ROUND };
}

if (process.argv[2] === '--client') client(process.argv[3], Number(process.argv[4]));
else {
  const results = { http: [], frames: [] };
  for (let i = 0; i < ROUNDS; i++) for (const mode of i % 2 ? ['frames', 'http'] : ['http', 'frames']) results[mode].push(await round(mode));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [mode, rs] of Object.entries(results)) {
    console.log(`${mode.padEnd(6)}: ${median(rs.map((r) => r.rate)).toFixed(0)} exchanges/s, server CPU ${median(rs.map((r) => r.cpuUs)).toFixed(1)} µs/exchange (range ${Math.min(...rs.map((r) => r.cpuUs)).toFixed(1)}–${Math.max(...rs.map((r) => r.cpuUs)).toFixed(1)})`);
  }
}
