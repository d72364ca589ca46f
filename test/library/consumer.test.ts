// The package as another repo uses it: installed by path into a fresh project whose vitest suite runs createEmulator in parallel workers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const TEMPLATE = join(ROOT, 'fixtures/lambda/template.yaml');
const dir = mkdtempSync(join(tmpdir(), 'emulate-consumer-'));

const testFile = (tag: string) => `import { createEmulator } from 'emulate';
import { afterAll, beforeAll, expect, it } from 'vitest';

let emu;
beforeAll(async () => {
  emu = await createEmulator({ template: ${JSON.stringify(TEMPLATE)}, runner: 'process', requestIds: 'sequential', logLevel: 'silent' });
});
afterAll(() => emu.close());

it('invokes a function and sees its result, log and request id (${tag})', async () => {
  const result = await emu.invoke('echo', { file: '${tag}' });
  expect(result.ok).toBe(true);
  expect(result.value.event).toEqual({ file: '${tag}' });
  expect(result.requestId).toBe('request-1');
  expect(result.log).toContain('REPORT RequestId: request-1');
  expect(emu.lambdaUrl).toMatch(/^http:\\/\\/127\\.0\\.0\\.1:\\d+$/);
  console.log('LAMBDA_URL ${tag} ' + emu.lambdaUrl + ' PID ' + process.pid);
});

it('sees a function error as a value (${tag})', async () => {
  const result = await emu.invoke('ThrowFunction', {});
  expect(result.ok).toBe(false);
  expect(result.error.errorType).toBe('TypeError');
});
`;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('emulate as a dependency of another project', () => {
  it('installs by path and runs two test files in parallel workers, each with its own emulator', () => {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', devDependencies: { emulate: `file:${ROOT}`, vitest: '^4.1.0' } }),
    );
    mkdirSync(join(dir, 'test'));
    writeFileSync(join(dir, 'test/a.test.js'), testFile('a'));
    writeFileSync(join(dir, 'test/b.test.js'), testFile('b'));
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    expect(install.status, install.stderr).toBe(0);
    const run = spawnSync(join(dir, 'node_modules/.bin/vitest'), ['run', '--pool', 'forks', '--reporter', 'verbose'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, CI: 'true', NO_COLOR: '1' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).toMatch(/Test Files\s+2 passed/);
    const urls = [...output.matchAll(/LAMBDA_URL (\w) (\S+) PID (\d+)/g)];
    expect(urls).toHaveLength(2);
    // Each worker ran its own emulator on its own random port.
    expect(urls[0]![2]).not.toBe(urls[1]![2]);
    expect(urls[0]![3]).not.toBe(urls[1]![3]);

    // Only the package's exports are reachable: deep imports fail as Node resolves them.
    const deep = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('emulate/dist/src/emulator.js')"], { cwd: dir, encoding: 'utf8' });
    expect(deep.status).not.toBe(0);
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    const root = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('emulate'); console.log(typeof m.createEmulator)"], { cwd: dir, encoding: 'utf8' });
    expect(root.stdout.trim()).toBe('function');
  }, 300_000);
});
