// --debug-port for a Python function on the process runner: debugpy (Debian's python3-debugpy under --debugger-path) waits for a DAP client, stops at a breakpoint past Timeout, and the request answers; without debugpy, a clear error.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/index.js';
import { freePort } from './cdp.js';
import { debianDebugpy, pythonProject as project, stopAtPyLine } from './scenario.js';

/** The process runner's Python (python3 on PATH) imports debugpy by itself: then no error can be shown. */
const hostHasDebugpy = spawnSync('python3', ['-c', 'import debugpy'], { stdio: 'ignore' }).status === 0;

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe.skipIf(!debianDebugpy)('--debug-port for a Python function (debugpy, process runner)', () => {
  it('waits for the client, stops at the breakpoint, holds it past Timeout, and answers normally on continue', async () => {
    const p = project();
    cleanup.push(() => p.remove());
    await stopAtPyLine(p, { runner: 'process' }, 'emulate: Python (process runner)', cleanup);
  }, 60_000);
});

describe.skipIf(hostHasDebugpy)('--debug-port for a Python function without debugpy', () => {
  it('stops the start with an error saying debugpy is missing and how to provide it', async () => {
    const p = project();
    cleanup.push(() => p.remove());
    const empty = mkdtempSync(path.join(tmpdir(), 'emulate-no-debugpy-'));
    cleanup.push(() => rmSync(empty, { recursive: true, force: true }));
    const start = createEmulator({ template: p.template, runner: 'process', lambdaPort: false, port: 0, logLevel: 'silent', debugPort: await freePort(), debuggerPath: empty });
    await expect(start).rejects.toMatchObject({
      code: 'EMU_RUNNER_UNSUPPORTED',
      message: expect.stringMatching(/EchoFunction.*debugging a Python function needs debugpy, and .*python3\S* cannot import it \(nor from --debugger-path .*emulate-no-debugpy-\S+\); install it \(pip install debugpy\) or pass --debugger-path DIR holding it/),
    });
  });
});
