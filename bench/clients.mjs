// Benchmark of the runtime clients: time to first answer from a cold environment, and warm sequential invocations per second.
// Run after a build: `npx tsc -p tsconfig.build.json && node bench/clients.mjs [--cold N] [--warm-ms MS]`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnvironment } from '../dist/runtime-api/environment.js';
import { NODE_CLIENT_ENTRY, PYTHON_CLIENT_ENTRY } from '../dist/runtime-api/clients/index.js';
import { silentLogger } from '../dist/src/core/logger.js';
import { spawnRuntime } from '../dist/src/runners/process/spawn.js';
import { ensureRic } from '../fixtures/ric/install.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
// The real RIC lives in a test fixture package, installed once on first use.
await ensureRic();
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const COLD_RUNS = arg('--cold', 15);
const WARM_MS = arg('--warm-ms', 3000);

const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
const clients = [
  { name: 'emulate Node client', command: process.execPath, args: [NODE_CLIENT_ENTRY], taskRoot: join(root, 'fixtures/handlers/node/cjs'), handler: 'index.echo' },
  { name: 'aws-lambda-ric 4.0.2', command: process.execPath, args: [join(root, 'fixtures/ric/node_modules/aws-lambda-ric/index.mjs')], taskRoot: join(root, 'fixtures/handlers/node/cjs'), handler: 'index.echo' },
];
// The resolved interpreter, not a version-manager shim, so the figure is the client's own.
if (python.status === 0 && !existsSync(PYTHON_CLIENT_ENTRY)) {
  console.log(`(Python client skipped: ${PYTHON_CLIENT_ENTRY} is missing; the build copies it)`);
} else if (python.status === 0) {
  clients.push({ name: 'emulate Python client', command: python.stdout.trim(), args: [PYTHON_CLIENT_ENTRY], taskRoot: join(root, 'fixtures/handlers/python'), handler: 'app.echo' });
}

function environment(client) {
  return createEnvironment({
    id: 'bench',
    functionName: 'bench',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
    version: '$LATEST',
    timeoutMs: 30_000,
    memorySizeMb: 128,
    logger: silentLogger(),
    output: () => {},
    launch: ({ runtimeApi, onOutput }) =>
      spawnRuntime({
        command: client.command,
        args: client.args,
        cwd: client.taskRoot,
        onOutput,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          PYTHONDONTWRITEBYTECODE: '1',
          _HANDLER: client.handler,
          LAMBDA_TASK_ROOT: client.taskRoot,
          AWS_LAMBDA_FUNCTION_NAME: 'bench',
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
          AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/bench',
          AWS_LAMBDA_LOG_STREAM_NAME: 'bench',
          AWS_LAMBDA_RUNTIME_API: runtimeApi,
        },
      }),
  });
}

const payload = Buffer.from('{"hello":"world"}');
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

for (const client of clients) {
  const cold = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const env = await environment(client);
    const started = performance.now();
    const result = await env.invoke({ payload });
    cold.push(performance.now() - started);
    if (!result.ok) throw new Error(`${client.name}: ${result.payload.toString()}`);
    await env.close();
  }
  cold.sort((a, b) => a - b);

  const env = await environment(client);
  await env.invoke({ payload });
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < WARM_MS) {
    await env.invoke({ payload });
    count++;
  }
  const elapsed = performance.now() - started;
  await env.close();

  console.log(
    `${client.name.padEnd(24)} cold first answer: median ${percentile(cold, 50).toFixed(1)} ms, p90 ${percentile(cold, 90).toFixed(1)} ms` +
      ` (${COLD_RUNS} runs) | warm: ${((count / elapsed) * 1000).toFixed(0)} invocations/s, ${(elapsed / count).toFixed(2)} ms each`,
  );
}
