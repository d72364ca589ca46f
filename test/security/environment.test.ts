// No host variable reaches a function unless hostEnv names it: the function's own view and, on Docker, the container's configuration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/index.js';
import { EMULATOR_INSTANCE, LABELS } from '../../src/runners/docker/labels.js';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from '../docker/helpers.js';
import { runCli } from '../helpers/cli.js';
import { listenersOf, procAvailable, SECURITY_FIXTURE } from './helpers.js';

/** What Lambda (and the runtime client) put in a function's environment, plus the template's own variable. */
const LAMBDA_VARIABLES = [
  'AWS_ACCESS_KEY_ID', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_TIMEOUT', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_LAMBDA_RUNTIME_API', 'AWS_REGION', 'AWS_SAM_LOCAL', 'AWS_SECRET_ACCESS_KEY',
  'LAMBDA_RUNTIME_DIR', 'LAMBDA_TASK_ROOT', 'LANG', 'TZ', '_HANDLER', '_X_AMZN_TRACE_ID', 'FROM_TEMPLATE',
];

/** Host variables a developer's shell typically holds, secrets among them; none may reach a function unasked. */
const HOST = {
  EMULATE_SENTINEL: 'host-only-value',
  AWS_ACCESS_KEY_ID: 'AKIAHOSTCREDENTIAL00',
  AWS_SECRET_ACCESS_KEY: 'host-secret-access-key',
  AWS_SESSION_TOKEN: 'host-session-token',
  AWS_PROFILE: 'host-profile',
  GITHUB_TOKEN: 'ghp_hosttoken',
};

let saved: Record<string, string | undefined> = {};
beforeAll(() => {
  saved = Object.fromEntries(Object.keys(HOST).map((k) => [k, process.env[k]]));
  Object.assign(process.env, HOST);
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Asserts that no host value other than `allowed` shows up in `env`. */
function expectNoHostValues(env: Record<string, string>, allowed: readonly string[]): void {
  for (const [name, value] of Object.entries(process.env)) {
    if (allowed.includes(name) || value === undefined) continue;
    if (name in env) expect(env[name], `host variable ${name} reached the function`).not.toBe(value);
  }
  expect(env).not.toHaveProperty('EMULATE_SENTINEL');
  expect(env).not.toHaveProperty('AWS_SESSION_TOKEN');
  expect(env).not.toHaveProperty('AWS_PROFILE');
  expect(env).not.toHaveProperty('GITHUB_TOKEN');
  expect(env.AWS_ACCESS_KEY_ID).toBe('defaultkey');
  expect(env.AWS_SECRET_ACCESS_KEY).toBe('defaultsecret');
}

async function envOf(options: Parameters<typeof createEmulator>[0]): Promise<Record<string, string>> {
  await using emu = await createEmulator({ template: SECURITY_FIXTURE, logLevel: 'silent', port: false, lambdaPort: false, ...options });
  const result = await emu.invoke('EnvFunction');
  expect(result.ok).toBe(true);
  return result.value as Record<string, string>;
}

describe('process runner', () => {
  it("gives a function Lambda's variables, its template's and the host's PATH, nothing else of the host", async () => {
    const env = await envOf({ runner: 'process' });
    expect(Object.keys(env).sort()).toEqual([...LAMBDA_VARIABLES, 'PATH'].sort());
    expect(env.PATH).toBe(process.env.PATH);
    expectNoHostValues(env, ['PATH']);
  });

  it('passes exactly the host variables hostEnv names', async () => {
    const env = await envOf({ runner: 'process', hostEnv: ['EMULATE_SENTINEL', 'NOT_SET_ANYWHERE'] });
    expect(env.EMULATE_SENTINEL).toBe('host-only-value');
    expect(env).not.toHaveProperty('NOT_SET_ANYWHERE');
    expect(Object.keys(env).sort()).toEqual([...LAMBDA_VARIABLES, 'PATH', 'EMULATE_SENTINEL'].sort());
  });

  it('passes every host variable with hostEnv: true, and the template still wins', async () => {
    const env = await envOf({ runner: 'process', hostEnv: true });
    expect(env).toMatchObject({ EMULATE_SENTINEL: 'host-only-value', GITHUB_TOKEN: 'ghp_hosttoken', FROM_TEMPLATE: 'template-value' });
  });

  it('keeps the host out when run from the command line too', async () => {
    const { code, stdout } = await runCli(['invoke', 'EnvFunction', '-t', SECURITY_FIXTURE, '--runner', 'process'], {
      env: { PATH: process.env.PATH ?? '', ...HOST },
    });
    expect(code).toBe(0);
    const env = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual([...LAMBDA_VARIABLES, 'PATH'].sort());
    expect(env.AWS_ACCESS_KEY_ID).toBe('defaultkey');
  });
});

describe.skipIf(!dockerAvailable)('Docker runner', () => {
  const ours = () => docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${EMULATOR_INSTANCE}`, `${LABELS.function}=EnvFunction`] } });

  let emu: Emulator;
  beforeAll(async () => {
    await prepareStandIn();
  }, SETUP_TIMEOUT_MS);
  afterAll(() => emu?.close());

  it("gives the container Lambda's variables and the image's own, no host variable, and a Runtime API on 127.0.0.1", async () => {
    const before = procAvailable ? listenersOf(process.pid) : [];
    emu = await createEmulator({ template: SECURITY_FIXTURE, runner: 'docker', logLevel: 'silent', port: false, lambdaPort: false });
    const result = await emu.invoke('EnvFunction');
    expect(result.ok).toBe(true);
    const seen = result.value as Record<string, string>;
    expectNoHostValues(seen, ['PATH', 'HOME', 'HOSTNAME', 'PWD', 'LANG', 'TZ']);

    const [container] = await ours();
    expect(container).toBeDefined();
    const info = await docker.getContainer(container!.Id).inspect();
    const image = await docker.getImage(info.Image).inspect();
    const imageNames = (image.Config?.Env ?? []).map((e) => e.slice(0, e.indexOf('=')));
    const configured = Object.fromEntries(info.Config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    console.log(`container env names: ${Object.keys(configured).sort().join(' ')}`);
    // Everything the container was given is Lambda's, the template's or the image's own.
    expect(Object.keys(configured).filter((name) => !LAMBDA_VARIABLES.includes(name) && !imageNames.includes(name))).toEqual([]);
    expectNoHostValues(configured, ['PATH', 'HOME', 'HOSTNAME', 'LANG', 'TZ']);
    // What the function saw beyond that comes from its own shell and bootstrap (HOME, HOSTNAME, PWD, NODE_PATH), not the host.
    expect(seen.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);

    if (procAvailable) {
      const port = Number(seen.AWS_LAMBDA_RUNTIME_API.split(':')[1]);
      const opened = listenersOf(process.pid).filter((l) => !before.some((b) => b.port === l.port));
      expect(opened).toEqual([{ address: '127.0.0.1', port }]);
    }
  }, SETUP_TIMEOUT_MS);

  it('passes a host variable hostEnv names into the container', async () => {
    await using named = await createEmulator({ template: SECURITY_FIXTURE, runner: 'docker', logLevel: 'silent', port: false, lambdaPort: false, hostEnv: ['EMULATE_SENTINEL'] });
    const seen = (await named.invoke('EnvFunction')).value as Record<string, string>;
    expect(seen.EMULATE_SENTINEL).toBe('host-only-value');
    expect(seen).not.toHaveProperty('GITHUB_TOKEN');
    expect(seen.AWS_ACCESS_KEY_ID).toBe('defaultkey');
  }, SETUP_TIMEOUT_MS);
});
