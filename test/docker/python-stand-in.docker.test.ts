// A python3.12 Zip function on the Docker runner, on the Python stand-in base image (host Python + emulate's Python client).
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensurePythonStandIn, PYTHON_STAND_IN_TAGS } from '../../fixtures/docker/stand-in/build.mjs';
import { body, docker, dockerAvailable, nodeFunction, SETUP_TIMEOUT_MS, useStandInHarness } from './helpers.js';

const ECHO_DIR = fileURLToPath(new URL('../../fixtures/quickstart/echo/', import.meta.url));

describe.skipIf(!dockerAvailable)('Docker runner: a Python function on the python3.12 stand-in', () => {
  beforeAll(() => ensurePythonStandIn({ docker }), SETUP_TIMEOUT_MS);
  const harness = useStandInHarness();

  it('is tagged with the AWS names the runner looks up', async () => {
    for (const tag of PYTHON_STAND_IN_TAGS) expect((await docker.getImage(tag).inspect()).Config?.Entrypoint).toEqual(['/lambda-entrypoint.sh']);
  });

  it('runs the quick-start echo handler in a container, cold then warm', async () => {
    const fn = nodeFunction({ functionName: 'PyEcho', runtime: 'python3.12', handler: 'app.handler', code: { kind: 'directory', path: ECHO_DIR } });
    const env = await harness().environment(fn);
    const apiEvent = { rawPath: '/echo', body: 'hi', isBase64Encoded: false, requestContext: { http: { method: 'POST' } } };
    const cold = await env.invoke({ payload: Buffer.from(JSON.stringify(apiEvent)) });
    expect(cold.ok).toBe(true);
    const answer = body<{ statusCode: number; body: string }>(cold);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ method: 'POST', path: '/echo', body: 'hi' });
    expect(cold.initDurationMs).toBeGreaterThan(0);
    const warm = await env.invoke({ payload: Buffer.from(JSON.stringify({ ...apiEvent, body: 'again' })) });
    expect(JSON.parse(body<{ body: string }>(warm).body).body).toBe('again');
  });
});
