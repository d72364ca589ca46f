// createEmulator as a test suite uses it: options checked up front, values not exceptions, per-invocation logs, disposal.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createEmulator, isEmulatorError, type Emulator } from '../../src/index.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/lambda/template.yaml', import.meta.url));

describe('createEmulator', () => {
  it.each([
    [{ template: TEMPLATE, timeout: 3 }, 'EMU_CONFIG_UNKNOWN_OPTION', 'unknown option "timeout"'],
    [{ template: TEMPLATE, Runner: 'process' }, 'EMU_CONFIG_UNKNOWN_OPTION', 'unknown option "Runner" (did you mean "runner"?)'],
    [{ template: TEMPLATE, runner: 'podman' }, 'EMU_CONFIG_BAD_OPTION', 'option "runner" must be one of auto, docker, process'],
    [{ template: TEMPLATE, maxConcurrency: 0 }, 'EMU_CONFIG_BAD_OPTION', 'option "maxConcurrency" must be a whole number of at least 1'],
    [{ template: TEMPLATE, port: 70000 }, 'EMU_CONFIG_BAD_OPTION', 'option "port" must be a port number (0 for a free one) or false'],
  ])('rejects %j before starting anything', async (options, code, message) => {
    const err = await createEmulator(options as never).catch((e: unknown) => e);
    expect(isEmulatorError(err) && err.code).toBe(code);
    expect((err as Error).message).toBe(message);
  });

  it('gives sequential request ids, per-invocation logs and error values, and closes with await using', async () => {
    let outside: Emulator;
    {
      await using emu = await createEmulator({ template: TEMPLATE, runner: 'process', requestIds: 'sequential', logLevel: 'silent', lambdaPort: false });
      outside = emu;
      const first = await emu.invoke('echo', { n: 1 });
      expect(first.requestId).toBe('request-1');
      expect(first.value).toMatchObject({ event: { n: 1 }, requestId: 'request-1' });
      expect(first.log).toMatch(/^START RequestId: request-1 Version: \$LATEST\n/);
      expect(first.log).toContain('\trequest-1\tINFO\techo got {"n":1}');
      expect(first.initDurationMs).toBeGreaterThan(0);

      const failed = await emu.invoke('ThrowFunction');
      expect(failed.ok).toBe(false);
      expect(failed.requestId).toBe('request-2');
      expect(!failed.ok && failed.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'kaboom' });
      expect(failed.value).toMatchObject({ errorType: 'TypeError' });
      expect(emu.logs.map((l) => l.text).join('')).toContain('about to throw');

      const withContext = await emu.invoke('echo', {}, { clientContext: { custom: { a: 1 } } });
      expect(withContext.value).toMatchObject({ clientContext: { custom: { a: 1 } } });
      expect(emu.lambdaUrl).toBeUndefined();
    }
    await expect(outside.invoke('echo')).rejects.toThrow(/closed/);
  });

  it('refuses an unknown function with the names it has', async () => {
    await using emu = await createEmulator({ template: TEMPLATE, runner: 'process', logLevel: 'silent', lambdaPort: false });
    await expect(emu.invoke('nope')).rejects.toThrow('function "nope" is not in the template (echo, ThrowFunction, SleepFunction, CrashFunction, ReservedFunction, EnvFunction)');
  });

  it.each([
    ['exactly 6,291,456 bytes runs', 6_291_456, true],
    ['6,291,457 bytes is refused with RequestEntityTooLargeException, the function not run', 6_291_457, false],
  ])('an event of %s', async (_name, bytes, runs) => {
    await using emu = await createEmulator({ template: TEMPLATE, runner: 'process', logLevel: 'silent', lambdaPort: false, port: false });
    const event = Buffer.from(JSON.stringify('x'.repeat(bytes - 2)));
    expect(event.length).toBe(bytes);
    const result = await emu.invoke('EnvFunction', event);
    expect(result.ok).toBe(runs);
    if (!runs) {
      expect(!result.ok && result.kind).toBe('request-too-large');
      expect(result.value).toEqual({ errorType: 'RequestEntityTooLargeException', errorMessage: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
    }
    expect(emu.logs.some((chunk) => chunk.text.includes('START RequestId'))).toBe(runs);
  });
});
