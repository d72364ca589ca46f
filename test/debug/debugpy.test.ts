// --debug-port for a Python function on the process runner: debugpy (Debian's python3-debugpy under --debugger-path) waits for a DAP client, stops at a breakpoint past Timeout, and the request answers; without debugpy, a clear error.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/index.js';
import { freePort } from './cdp.js';
import { DapClient } from './dap.js';
import { capturedLogger, logged, readmeLaunchConfig } from './scenario.js';

const ECHO = fileURLToPath(new URL('../../fixtures/quickstart/echo/app.py', import.meta.url));
/** Where Debian's python3-debugpy puts debugpy (apt-get install python3-debugpy). */
const DEBIAN_DIST_PACKAGES = '/usr/lib/python3/dist-packages';
const debianDebugpy = existsSync(path.join(DEBIAN_DIST_PACKAGES, 'debugpy', '__init__.py'));
/** The process runner's Python (python3 on PATH) imports debugpy by itself: then no error can be shown. */
const hostHasDebugpy = spawnSync('python3', ['-c', 'import debugpy'], { stdio: 'ignore' }).status === 0;

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The quick start's echo handler alone in a temp project, Timeout 1 s. */
function pythonProject(): { dir: string; template: string; app: string; line: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulate-debugpy-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'echo'));
  const app = path.join(dir, 'echo', 'app.py');
  cpSync(ECHO, app);
  writeFileSync(
    path.join(dir, 'template.yaml'),
    `Transform: AWS::Serverless-2016-10-31
Resources:
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: echo/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 1
      Events:
        Echo:
          Type: HttpApi
          Properties:
            Path: /echo
            Method: POST
`,
  );
  const line = readFileSync(app, 'utf8').split('\n').findIndex((l) => l.trim().startsWith('body = event.get(')) + 1;
  return { dir, template: path.join(dir, 'template.yaml'), app, line };
}

describe.skipIf(!debianDebugpy)('--debug-port for a Python function (debugpy, process runner)', () => {
  it('waits for the client, stops at the breakpoint, holds it past Timeout, and answers normally on continue', async () => {
    const p = pythonProject();
    const port = await freePort();
    const { logger, messages } = capturedLogger();
    const emu = await createEmulator({ template: p.template, runner: 'process', lambdaPort: false, port: 0, logger, debugPort: port, debuggerPath: DEBIAN_DIST_PACKAGES });
    cleanup.push(() => emu.close());
    const answer = fetch(`${emu.apiUrl}/echo`, { method: 'POST', body: 'hi' });
    expect(await logged(messages, /^Debugger for/)).toBe(`Debugger for EchoFunction listening on 127.0.0.1:${port}; waiting for it to attach`);

    // As the README's launch.json "emulate: Python (process runner)" does: attach to its host and port.
    const config = readmeLaunchConfig('emulate: Python (process runner)', p.dir) as { type: string; request: string; connect: { host: string; port: number } };
    expect(config).toMatchObject({ type: 'debugpy', request: 'attach', connect: { host: '127.0.0.1', port: 5678 } });
    const dap = await DapClient.connect(config.connect.host, port);
    cleanup.push(() => dap.close());
    expect((await dap.request('initialize', { adapterID: 'debugpy', clientID: 'emulate-test', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true })).success).toBe(true);
    const attached = dap.request('attach', { justMyCode: true });
    await dap.event('initialized');
    const bp = await dap.request('setBreakpoints', { source: { path: p.app }, breakpoints: [{ line: p.line }] });
    expect(bp.body).toMatchObject({ breakpoints: [{ verified: true, line: p.line }] });
    await dap.request('configurationDone');
    expect((await attached).success).toBe(true);

    const stopped = await dap.event('stopped');
    expect(stopped.body).toMatchObject({ reason: 'breakpoint' });
    const trace = await dap.request('stackTrace', { threadId: stopped.body!.threadId });
    const top = (trace.body as { stackFrames: Array<{ name: string; line: number; source: { path: string } }> }).stackFrames[0]!;
    expect(top).toMatchObject({ name: 'handler', line: p.line, source: { path: p.app } });

    const started = performance.now();
    await new Promise((r) => setTimeout(r, 1500));
    expect(performance.now() - started).toBeGreaterThan(1000);
    await dap.request('continue', { threadId: stopped.body!.threadId });
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ method: 'POST', path: '/echo', body: 'hi' });
  }, 60_000);
});

describe.skipIf(hostHasDebugpy)('--debug-port for a Python function without debugpy', () => {
  it('stops the start with an error saying debugpy is missing and how to provide it', async () => {
    const p = pythonProject();
    const empty = mkdtempSync(path.join(tmpdir(), 'emulate-no-debugpy-'));
    cleanup.push(() => rmSync(empty, { recursive: true, force: true }));
    const start = createEmulator({ template: p.template, runner: 'process', lambdaPort: false, port: 0, logLevel: 'silent', debugPort: await freePort(), debuggerPath: empty });
    await expect(start).rejects.toMatchObject({
      code: 'EMU_RUNNER_UNSUPPORTED',
      message: expect.stringMatching(/EchoFunction.*debugging a Python function needs debugpy, and .*python3\S* cannot import it \(nor from --debugger-path .*emulate-no-debugpy-\S+\); install it \(pip install debugpy\) or pass --debugger-path DIR holding it/),
    });
  });
});
