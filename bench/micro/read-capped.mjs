// Microbenchmark behind the readCapped lever of issue 22 (BENCHMARKS.md): server CPU per request of one Node HTTP
// server reading each body with the old reader (`for await` over the request) or the current one (src/core/net.ts,
// 'data'/'end' listeners), in alternating rounds, an undici client in a child process. Needs `npm run build`.
// Usage: node bench/micro/read-capped.mjs
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = 8;
const PER_ROUND = 3000;

async function forAwaitReader(req, limit) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size <= limit) chunks.push(c);
  }
  return size > limit ? { size } : { body: Buffer.concat(chunks, size), size };
}

if (process.argv[2] === 'client') {
  const { Client } = await import(`${ROOT}node_modules/undici/index.js`);
  process.on('message', async ({ port, n }) => {
    const client = new Client(`http://127.0.0.1:${port}`);
    for (let i = 0; i < n; i++) {
      const res = await client.request({ path: '/', method: 'POST', body: '{"a":1}' });
      await res.body.arrayBuffer();
    }
    await client.close();
    process.send('done');
  });
} else {
  const { readCapped } = await import(`${ROOT}dist/src/core/net.js`);
  let reader = forAwaitReader;
  const server = createServer(async (req, res) => {
    const { body } = await reader(req, 6_291_556);
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const child = fork(fileURLToPath(import.meta.url), ['client']);
  const run = (n) => new Promise((resolve) => (child.once('message', resolve), child.send({ port: server.address().port, n })));
  await run(2000);
  const cpu = { 'for await': [], 'data/end (current)': [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of [['for await', forAwaitReader], ['data/end (current)', readCapped]]) {
      reader = fn;
      const start = process.cpuUsage();
      await run(PER_ROUND);
      const used = process.cpuUsage(start);
      cpu[name].push((used.user + used.system) / PER_ROUND);
    }
  }
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  for (const [name, values] of Object.entries(cpu)) console.log(`${name.padEnd(20)} server CPU ${median(values).toFixed(1)} µs/request (median of ${ROUNDS} rounds)`);
  child.kill();
  server.close();
}
