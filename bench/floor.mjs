// The floor of start-api's design: a minimal two-process relay. A raw node:http server hands each request's
// method, path and body to a child Node process that runs the same trivial handler, one invocation at a time per
// child as Lambda runs an environment, and writes the child's answer back. No gateway, no event, no Runtime API:
// what ANY design that keeps the function in its own process pays here. Run as a server (`node bench/floor.mjs`
// prints `Listening on http://...`); FLOOR_TRANSPORT=pipe (default: a socketpair on the child's fd 3) or tcp
// (loopback), FLOOR_CHILDREN (default 2, the pool's limit for a fast function on this machine's 2 cores).
import { fork } from 'node:child_process';
import { createServer as createHttp } from 'node:http';
import { createServer as createTcp } from 'node:net';
import { frame, onFrames } from './frames.mjs';

/** A JSON value as one frame. */
const jsonFrame = (json) => frame(Buffer.from(JSON.stringify(json)));

async function child() {
  const { handler } = await import(new URL('../fixtures/bench/trivial.mjs', import.meta.url));
  const { Socket, connect } = await import('node:net');
  const stream = process.env.FLOOR_PORT ? connect(Number(process.env.FLOOR_PORT), '127.0.0.1') : new Socket({ fd: 3 });
  stream.setNoDelay?.(true);
  // The child goes with its server.
  stream.on('close', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
  onFrames(stream, async (bytes) => {
    const req = JSON.parse(bytes.toString());
    const result = await handler({ rawPath: req.p, requestContext: { http: { method: req.m } }, body: req.b });
    stream.write(jsonFrame(result));
  });
}

async function server() {
  const transport = process.env.FLOOR_TRANSPORT ?? 'pipe';
  const count = Number(process.env.FLOOR_CHILDREN ?? 2);
  const idle = [];
  const queue = [];
  const channel = async () => {
    if (transport === 'tcp') {
      const listener = createTcp();
      await new Promise((done) => listener.listen(0, '127.0.0.1', done));
      fork(new URL(import.meta.url).pathname, ['--child'], { env: { FLOOR_PORT: String(listener.address().port) } });
      const socket = await new Promise((done) => listener.once('connection', done));
      socket.setNoDelay(true);
      return socket;
    }
    const proc = fork(new URL(import.meta.url).pathname, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'ipc'] });
    return proc.stdio[3];
  };
  const dispatch = (worker) => {
    const next = queue.shift();
    if (!next) return void idle.push(worker);
    worker.answer = next.answer;
    worker.stream.write(jsonFrame(next.request));
  };
  for (let i = 0; i < count; i++) {
    const worker = { stream: await channel(), answer: undefined };
    onFrames(worker.stream, (bytes) => {
      worker.answer(bytes);
      dispatch(worker);
    });
    idle.push(worker);
  }
  const http = createHttp({ noDelay: true }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const request = { m: req.method, p: req.url, b: Buffer.concat(chunks).toString() };
      const answer = (bytes) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
        res.end(bytes);
      };
      queue.push({ request, answer });
      const worker = idle.pop();
      if (worker) dispatch(worker);
    });
  });
  http.listen(0, '127.0.0.1', () => console.log(`Listening on http://127.0.0.1:${http.address().port}`));
}

if (process.argv.includes('--child')) await child();
else await server();
