// Test helper: the TypeScript sam init app in a temp project, started with --debug-port, and one debugging session on its .ts handler.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/index.js';
import { CdpSession, freePort, type AttachConfig } from './cdp.js';
import { DapClient } from './dap.js';

const SAM_APP = fileURLToPath(new URL('../../fixtures/typescript/sam-app/', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** A configuration of the README's VS Code launch.json (the json block of its debugging section), ${workspaceFolder} expanded. */
export function readmeLaunchConfig(name: string, workspaceFolder: string): Record<string, unknown> {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Debugging a function'));
  const block = /```json\n([\s\S]*?)\n```/.exec(section)![1]!;
  const launch = JSON.parse(block.replaceAll('${workspaceFolder}', workspaceFolder)) as { configurations: Array<Record<string, unknown>> };
  const config = launch.configurations.find((c) => c.name === name);
  if (!config) throw new Error(`the README's launch.json has no configuration "${name}"`);
  return config;
}

/** The README's Node configuration as the CDP client takes it, on the port the test chose in place of 9229. */
export function nodeAttachConfig(name: string, workspaceFolder: string, port: number): AttachConfig {
  const c = readmeLaunchConfig(name, workspaceFolder);
  expect(c).toMatchObject({ type: 'node', request: 'attach', port: 9229 });
  return {
    address: c.address as string,
    port,
    outFiles: c.outFiles as string[],
    ...(c.localRoot !== undefined ? { localRoot: c.localRoot as string, remoteRoot: c.remoteRoot as string } : {}),
    continueOnAttach: c.continueOnAttach === true,
  };
}
/** The function's Timeout in the copied template; the test holds it at a breakpoint longer than this. */
export const TIMEOUT_S = 1;

export interface DebugProject {
  dir: string;
  template: string;
  /** Absolute path of the handler's .ts file and the 1-based line of its `return {` (where the breakpoint goes). */
  ts: string;
  line: number;
  remove(): void;
}

/** AWS's sam init TypeScript app (esbuild, Sourcemap true) copied to a temp folder, with Timeout 1 s. */
export function debugProject(extraTemplate = ''): DebugProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulate-debug-'));
  cpSync(SAM_APP, dir, { recursive: true });
  // The build cache lands in node_modules/.cache beside the template and goes with the folder.
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  const template = path.join(dir, 'template.yaml');
  writeFileSync(template, readFileSync(template, 'utf8').replace('Timeout: 3', `Timeout: ${TIMEOUT_S}`) + extraTemplate);
  const ts = path.join(dir, 'hello-world', 'app.ts');
  const line = readFileSync(ts, 'utf8').split('\n').findIndex((l) => l.trim() === 'return {') + 1;
  return { dir, template, ts, line, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
const AWS_LAMBDA_TYPES = fileURLToPath(new URL('../../node_modules/@types/aws-lambda', import.meta.url));

/**
 * The same app built by `tsc` instead of esbuild: the template's esbuild Metadata removed, the handler served
 * from `hello-world/dist` (CommonJS with .js.map files beside it), as a project that compiles with tsc runs it.
 */
export function tscProject(): DebugProject & { outDir: string } {
  const p = debugProject();
  const text = readFileSync(p.template, 'utf8');
  const withoutBuild = text.slice(0, text.indexOf('    Metadata:')) + text.slice(text.indexOf('\nOutputs:') + 1);
  writeFileSync(p.template, withoutBuild.replace('CodeUri: hello-world/', 'CodeUri: hello-world/dist/'));
  mkdirSync(path.join(p.dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(AWS_LAMBDA_TYPES, path.join(p.dir, 'node_modules', '@types', 'aws-lambda'));
  const outDir = path.join(p.dir, 'hello-world', 'dist');
  const tsc = spawnSync(process.execPath, [TSC, '-p', path.join(p.dir, 'hello-world'), '--noEmit', 'false', '--sourceMap', '--module', 'commonjs', '--outDir', outDir], { encoding: 'utf8' });
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(existsSync(path.join(outDir, 'app.js.map'))).toBe(true);
  return { ...p, outDir };
}

/** Emulator log lines (JSON) captured in order. */
export function capturedLogger(): { logger: ReturnType<typeof createLogger>; messages: string[] } {
  const messages: string[] = [];
  const logger = createLogger({ level: 'info', format: 'json', stream: { write: (line: string) => messages.push(String((JSON.parse(line) as { msg?: string }).msg ?? '')) } });
  return { logger, messages };
}

/** Resolves once a captured message matches. */
export async function logged(messages: string[], pattern: RegExp): Promise<string> {
  for (;;) {
    const found = messages.find((m) => pattern.test(m));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Run {
  emu: Emulator;
  port: number;
  messages: string[];
}

export async function startDebugging(project: DebugProject, options: EmulatorOptions): Promise<Run> {
  const port = await freePort();
  const { logger, messages } = capturedLogger();
  const emu = await createEmulator({ template: project.template, lambdaPort: false, logger, debugPort: port, ...options });
  return { emu, port, messages };
}

/**
 * The scenario the issue asks for: a request through start-api, the debugger attaches when the emulator
 * says it is listening, the breakpoint on the .ts `return {` line binds through the source map, the
 * pause is at that line, the test holds it past the function's Timeout, resumes, and the answer is the
 * normal one.
 */
export async function breakAtTsLine(project: DebugProject, run: Run, config: string | AttachConfig): Promise<{ heldMs: number; session: CdpSession }> {
  const answer = fetch(`${run.emu.apiUrl}/Prod/hello`);
  const line = await logged(run.messages, /^Debugger for HelloWorldFunction listening on/);
  expect(line).toBe(`Debugger for HelloWorldFunction listening on 127.0.0.1:${run.port}; waiting for it to attach`);
  const attach = typeof config === 'string' ? nodeAttachConfig(config, project.dir, run.port) : config;
  const session = await CdpSession.attach(attach, { file: project.ts, line: project.line });
  const paused = await session.nextBreakpointPause();
  expect(paused.reason).toBe('other');
  expect(paused.hitBreakpoints).toEqual([session.bound[0]!.breakpointId]);
  expect(session.original(paused.callFrames[0]!)).toEqual({ source: project.ts, line: project.line });
  const started = performance.now();
  await new Promise((r) => setTimeout(r, TIMEOUT_S * 1000 + 500));
  const heldMs = performance.now() - started;
  await session.resume();
  const res = await answer;
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ message: 'hello world' });
  return { heldMs, session };
}

const ECHO = fileURLToPath(new URL('../../fixtures/quickstart/echo/app.py', import.meta.url));
/** Where Debian's python3-debugpy puts debugpy (apt-get install python3-debugpy). */
export const DEBIAN_DIST_PACKAGES = '/usr/lib/python3/dist-packages';
export const debianDebugpy = existsSync(path.join(DEBIAN_DIST_PACKAGES, 'debugpy', '__init__.py'));

/** The quick start's echo handler alone in a temp project (CodeUri echo/, POST /echo, Timeout 1 s), and the line of its first statement. */
export function pythonProject(): { dir: string; template: string; app: string; line: number; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulate-debugpy-'));
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
      Timeout: ${TIMEOUT_S}
      Events:
        Echo:
          Type: HttpApi
          Properties:
            Path: /echo
            Method: POST
`,
  );
  const line = readFileSync(app, 'utf8').split('\n').findIndex((l) => l.trim().startsWith('body = event.get(')) + 1;
  return { dir, template: path.join(dir, 'template.yaml'), app, line, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The Python scenario, as VS Code runs the README's debugpy configuration: a request, the debug line,
 * attach over DAP to the configuration's host (on the test's port), a breakpoint on the handler's first
 * line (its path mapped by pathMappings), the stop there, held past Timeout, continue, the normal answer.
 */
export async function stopAtPyLine(p: ReturnType<typeof pythonProject>, options: EmulatorOptions, configName: string, cleanup: Array<() => Promise<void> | void>): Promise<void> {
  const port = await freePort();
  const { logger, messages } = capturedLogger();
  const emu = await createEmulator({ template: p.template, lambdaPort: false, port: 0, logger, debugPort: port, debuggerPath: DEBIAN_DIST_PACKAGES, ...options });
  cleanup.push(() => emu.close());
  const answer = fetch(`${emu.apiUrl}/echo`, { method: 'POST', body: 'hi' });
  expect(await logged(messages, /^Debugger for/)).toBe(`Debugger for EchoFunction listening on 127.0.0.1:${port}; waiting for it to attach`);

  const config = readmeLaunchConfig(configName, p.dir) as { connect: { host: string; port: number }; pathMappings?: Array<{ localRoot: string; remoteRoot: string }> };
  expect(config).toMatchObject({ type: 'debugpy', request: 'attach', connect: { host: '127.0.0.1', port: 5678 } });
  const mapping = config.pathMappings?.find((m) => p.app.startsWith(`${m.localRoot}/`));
  const remoteApp = mapping ? mapping.remoteRoot + p.app.slice(mapping.localRoot.length) : p.app;

  const dap = await DapClient.connect(config.connect.host, port);
  cleanup.push(() => dap.close());
  expect((await dap.request('initialize', { adapterID: 'debugpy', clientID: 'emulate-test', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true })).success).toBe(true);
  const attached = dap.request('attach', { justMyCode: true });
  await dap.event('initialized');
  const bp = await dap.request('setBreakpoints', { source: { path: remoteApp }, breakpoints: [{ line: p.line }] });
  expect(bp.body).toMatchObject({ breakpoints: [{ verified: true, line: p.line }] });
  await dap.request('configurationDone');
  expect((await attached).success).toBe(true);

  const stopped = await dap.event('stopped');
  expect(stopped.body).toMatchObject({ reason: 'breakpoint' });
  const trace = await dap.request('stackTrace', { threadId: stopped.body!.threadId });
  const top = (trace.body as { stackFrames: Array<{ name: string; line: number; source: { path: string } }> }).stackFrames[0]!;
  expect(top).toMatchObject({ name: 'handler', line: p.line, source: { path: remoteApp } });

  const started = performance.now();
  await new Promise((r) => setTimeout(r, TIMEOUT_S * 1000 + 500));
  expect(performance.now() - started).toBeGreaterThan(TIMEOUT_S * 1000);
  await dap.request('continue', { threadId: stopped.body!.threadId });
  const res = await answer;
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ method: 'POST', path: '/echo', body: 'hi' });
}
