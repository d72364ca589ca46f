// `emulate rie` refuses bad input at start-up with one line and a non-zero exit, never a stack trace.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';

const RUNTIME = fileURLToPath(new URL('../../fixtures/rie/scripted-runtime.mjs', import.meta.url));
const HANDLERS = fileURLToPath(new URL('../../fixtures/rie/handlers.mjs', import.meta.url));

describe('emulate rie bad input', () => {
  const busy = createServer();
  let busyPort = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it.each<[string, () => string[], Record<string, string>, number, RegExp]>([
    ['a bootstrap that does not exist', () => ['/nonexistent/bootstrap'], {}, 1, /^emulate: bootstrap "\/nonexistent\/bootstrap" does not exist\n$/],
    ['a bootstrap that is not executable', () => [HANDLERS], {}, 1, /^emulate: bootstrap ".*handlers\.mjs" is not executable\n$/],
    ['a command that is not on PATH', () => ['no-such-command-xyz', 'x'], {}, 1, /^emulate: bootstrap "no-such-command-xyz" was not found on PATH\n$/],
    ['a malformed invoke address', () => ['--runtime-interface-emulator-address', 'localhost', RUNTIME], {}, 1,
      /^emulate: the --runtime-interface-emulator-address value "localhost" is not a valid network address \(expected host:port\)\n$/],
    ['a malformed Runtime API address', () => ['--runtime-api-address=1.2.3.4:99999', RUNTIME], {}, 1,
      /^emulate: the --runtime-api-address value "1.2.3.4:99999" is not a valid network address \(expected host:port\)\n$/],
    ['an invoke port in use', () => ['--runtime-interface-emulator-address', `127.0.0.1:${busyPort}`, '--runtime-api-address', '127.0.0.1:0', RUNTIME], {}, 2,
      /^emulate: cannot listen on 127\.0\.0\.1:\d+: address already in use\n$/],
    ['a Runtime API port in use', () => ['--runtime-interface-emulator-address', '127.0.0.1:0', '--runtime-api-address', `127.0.0.1:${busyPort}`, RUNTIME], {}, 2,
      /^emulate: cannot listen on 127\.0\.0\.1:\d+: address already in use\n$/],
    ['a non-integer AWS_LAMBDA_FUNCTION_TIMEOUT', () => [RUNTIME], { AWS_LAMBDA_FUNCTION_TIMEOUT: '1.5' }, 1,
      /^emulate: AWS_LAMBDA_FUNCTION_TIMEOUT must be a whole number of seconds, got "1\.5"\n$/],
    ['an unknown log level', () => ['--log-level', 'bogus', RUNTIME], {}, 1, /^emulate: invalid log level "bogus"; valid levels are: /],
    ['a missing flag value', () => ['--max-concurrency'], {}, 1, /^emulate: option "--max-concurrency" needs a value\n$/],
    ['a zero --max-concurrency', () => ['--max-concurrency', '0', RUNTIME], {}, 1, /^emulate: option "--max-concurrency" needs a whole number of at least 1, got "0"\n$/],
  ])('refuses %s', async (_label, args, env, code, message) => {
    const res = await runCli(['rie', ...args()], { env: { PATH: process.env.PATH ?? '', ...env } });
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('emulate --help', () => {
  it('lists the commands', async () => {
    const res = await runCli(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('rie [options] [--] [BOOTSTRAP [ARGS...]]');
  });

  it('explains rie, its flags, defaults and environment', async () => {
    const res = await runCli(['rie', '--help']);
    expect(res.code).toBe(0);
    for (const text of ['--runtime-interface-emulator-address H:P', 'default 0.0.0.0:8080', '127.0.0.1:9001', '--max-concurrency N', 'AWS_LAMBDA_FUNCTION_TIMEOUT']) {
      expect(res.stdout).toContain(text);
    }
  });

  it('prints the usage on stderr and fails when given no arguments', async () => {
    const res = await runCli([]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('Usage: emulate <command> [options]');
  });

  it('refuses an unknown command with one line', async () => {
    const res = await runCli(['frobnicate']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('emulate: unknown command "frobnicate" (see emulate --help)\n');
  });
});
