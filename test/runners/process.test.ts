// The process runner through createEmulator: Python, a provided sh bootstrap, inline code, refusals, and --watch.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createEmulator, isEmulatorError, type Emulator } from '../../src/index.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/process/', import.meta.url));

describe('process runner', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await createEmulator({ template: join(FIXTURE, 'template.yaml'), runner: 'process', logLevel: 'silent', lambdaPort: false, requestIds: 'sequential' });
  });
  afterAll(() => emu.close());

  it('runs a Python handler with its context, environment and output', async () => {
    const result = await emu.invoke('PythonFunction', { a: 1 });
    expect(result.ok).toBe(true);
    expect(result.value).toMatchObject({ greeting: 'hello', event: { a: 1 }, requestId: result.requestId, functionName: 'PythonFunction', memory: '128' });
    expect((result.value as { remaining: number }).remaining).toBeGreaterThan(2000);
    expect(result.log).toContain('print from python');
    expect(result.log).toMatch(new RegExp(`\\[INFO\\]\\t\\S+\\t${result.requestId}\\tlogging from python`));
  });

  it('returns a Python exception as awslambdaric shapes it', async () => {
    const result = await emu.invoke('PythonFunction', { fail: true });
    expect(result.ok).toBe(false);
    expect(result.value).toMatchObject({ errorType: 'ValueError', errorMessage: 'python says no', requestId: result.requestId });
    expect(Array.isArray((result.value as { stackTrace: unknown }).stackTrace)).toBe(true);
  });

  it("runs a provided runtime's own sh bootstrap", async () => {
    const result = await emu.invoke('ProvidedFunction', { b: 2 });
    expect(result.value).toEqual({ shell: true, handler: 'unused', event: { b: 2 } });
    expect(result.log).toContain('provided got {"b":2}');
  });

  it('runs InlineCode as index.js', async () => {
    expect((await emu.invoke('InlineFunction', { c: 3 })).value).toEqual({ inline: true, event: { c: 3 } });
  });

  it('kills a runtime that passes its MemorySize with Runtime.OutOfMemory, and the next invocation works', async () => {
    const result = await emu.invoke('HogFunction', { hog: true });
    expect(result.ok).toBe(false);
    expect(result.value).toEqual({ errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: signal: killed` });
    const next = await emu.invoke('HogFunction', {});
    expect(next.ok).toBe(true);
    expect(next.initDurationMs).toBeGreaterThan(0);
  });

  it.each([
    ['ImageFunction', 'function ImageFunction cannot run here: PackageType Image needs the Docker runner (--runner docker)'],
    ['JavaFunction', 'function JavaFunction cannot run here: runtime "java21" cannot run as a host process (nodejs*, python3.*, provided* can); use --runner docker'],
  ])('refuses %s with a clear message', async (name, message) => {
    const err = await emu.invoke(name).catch((e: unknown) => e);
    expect(isEmulatorError(err) && err.code).toBe('EMU_RUNNER_UNSUPPORTED');
    expect((err as Error).message).toBe(message);
  });
});

describe('--watch', () => {
  it('runs the edited handler on the next invocation, without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulate-watch-'));
    cpSync(join(FIXTURE, 'node'), join(dir, 'node'), { recursive: true });
    writeFileSync(
      join(dir, 'template.yaml'),
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      CodeUri: node/\n      Handler: index.handler\n',
    );
    await using emu = await createEmulator({ template: join(dir, 'template.yaml'), runner: 'process', watch: true, logLevel: 'silent', lambdaPort: false });
    expect((await emu.invoke('Fn')).value).toEqual({ version: 1 });
    expect((await emu.invoke('Fn')).initDurationMs).toBeUndefined();
    writeFileSync(join(dir, 'node', 'index.js'), 'exports.handler = async () => ({ version: 2 });\n');
    await expect.poll(async () => (await emu.invoke('Fn')).value, { timeout: 5000, interval: 100 }).toEqual({ version: 2 });
  });
});
