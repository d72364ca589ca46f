// --debug-port for a Python function on the Docker runner: debugpy from --debugger-path (Debian's python3-debugpy) mounted into the python3.12 stand-in, started by emulate's sitecustomize hook; a DAP client stops at /var/task/app.py through the README's pathMappings.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensurePythonStandIn } from '../../fixtures/docker/stand-in/build.mjs';
import { docker, dockerAvailable, SETUP_TIMEOUT_MS } from '../docker/helpers.js';
import { LABELS } from '../../src/runners/docker/labels.js';
import { createEmulator } from '../../src/index.js';
import { freePort } from './cdp.js';
import { debianDebugpy, pythonProject, stopAtPyLine } from './scenario.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  expect(await docker.listContainers({ all: true, filters: { label: [`${LABELS.pid}=${process.pid}`] } })).toEqual([]);
});

describe.skipIf(!dockerAvailable)('--debug-port for a Python function on the Docker runner (debugpy)', () => {
  beforeAll(() => ensurePythonStandIn({ docker }), SETUP_TIMEOUT_MS);

  it.skipIf(!debianDebugpy)('waits for the client, stops at the breakpoint in /var/task/app.py, holds it past Timeout, and answers normally on continue', async () => {
    const p = pythonProject();
    cleanup.push(() => p.remove());
    await stopAtPyLine(p, { runner: 'docker' }, 'emulate: Python (Docker runner)', cleanup);
  }, 90_000);

  it('stops the start without --debugger-path, saying what to pass', async () => {
    const p = pythonProject();
    cleanup.push(() => p.remove());
    await expect(createEmulator({ template: p.template, runner: 'docker', logLevel: 'silent', lambdaPort: false, port: 0, debugPort: await freePort() })).rejects.toMatchObject({
      code: 'EMU_RUNNER_UNSUPPORTED',
      message: expect.stringMatching(/EchoFunction.*debugging a Python function in a container needs --debugger-path DIR holding debugpy.*pip install --target DIR debugpy/),
    });
  });
});
