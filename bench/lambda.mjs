// Benchmarks of the template path with the process runner: the pool's warm throughput (sequential and 10 in
// parallel), the cold start, createEmulator() to the first answer, and start-lambda through the AWS SDK.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { fileURLToPath } from 'node:url';
import { createEmulator } from '../dist/src/index.js';
import { fmt, percentile } from './lib.mjs';

const TEMPLATE = fileURLToPath(new URL('../fixtures/bench/template.yaml', import.meta.url));
const COUNT = Number(process.env.BENCH_COUNT ?? 2000);
const COLD_RUNS = Number(process.env.BENCH_COLD ?? 15);

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function throughput(invoke, count, concurrency) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const r = await invoke();
        if (!r) throw new Error('invocation failed');
      }
    }),
  );
  return (count / (performance.now() - started)) * 1000;
}

export async function benchLambda() {
  const rows = [];
  // Library invoke through the pool.
  const emu = await createEmulator({ template: TEMPLATE, runner: 'process', logLevel: 'silent', lambdaPort: 0 });
  const lib = () => emu.invoke('Trivial', {}).then((r) => r.ok);
  await throughput(lib, 200, 10);
  const seq = await throughput(lib, COUNT, 1);
  const par = await throughput(lib, COUNT, 10);
  rows.push(['pool, emu.invoke(), sequential', fmt(seq, 0)], ['pool, emu.invoke(), 10 in parallel', fmt(par, 0)]);

  // start-lambda through the real SDK client (keep-alive).
  const sdk = new LambdaClient({ endpoint: emu.lambdaUrl, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const viaSdk = () => sdk.send(new InvokeCommand({ FunctionName: 'Trivial', Payload: Buffer.from('{}') })).then((r) => r.StatusCode === 200 && !r.FunctionError);
  await throughput(viaSdk, 200, 1);
  const sdkSeq = await throughput(viaSdk, COUNT, 1);
  const sdkPar = await throughput(viaSdk, COUNT, 10);
  rows.push(['start-lambda + @aws-sdk/client-lambda, sequential', fmt(sdkSeq, 0)], ['start-lambda + @aws-sdk/client-lambda, 10 in parallel', fmt(sdkPar, 0)]);
  sdk.destroy();
  await emu.close();

  // Cold: a fresh emulator each time; createEmulator() to the first answer, and the environment's own cold start.
  const firstAnswer = [];
  const coldInvoke = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    let e;
    firstAnswer.push(
      await timed(async () => {
        e = await createEmulator({ template: TEMPLATE, runner: 'process', logLevel: 'silent', lambdaPort: false });
        coldInvoke.push(await timed(() => e.invoke('Trivial', {})));
      }),
    );
    await e.close();
  }
  firstAnswer.sort((a, b) => a - b);
  coldInvoke.sort((a, b) => a - b);
  return {
    title: `template path, process runner, trivial Node handler (${COUNT} invocations per row)`,
    header: ['setup', 'invocations/s'],
    rows,
    notes: [
      `cold start (first invoke of a fresh environment, trivial Node handler): median ${fmt(percentile(coldInvoke, 50), 1)} ms, p90 ${fmt(percentile(coldInvoke, 90), 1)} ms over ${COLD_RUNS} runs (target < 150 ms)`,
      `createEmulator() to the first answered invoke: median ${fmt(percentile(firstAnswer, 50), 1)} ms, p90 ${fmt(percentile(firstAnswer, 90), 1)} ms (target < 300 ms)`,
    ],
  };
}
