// Runtimes other than the host's Node (major) / Python (major.minor): one warning per function on the process runner; auto with a Docker daemon says it prefers Docker for them.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';

const TEMPLATE = 'fixtures/templates/runtime-versions/template.yaml';
const hostNode = process.versions.node.split('.')[0];
const hostPython = execFileSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
const dockerUp = (() => {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
})();

let cli: RunningCli | undefined;
afterEach(async () => {
  await cli?.stop();
  cli = undefined;
});

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('runtime versions', () => {
  it('the process runner warns once per function, naming both versions, however many invocations', async () => {
    cli = await startCli(['start-api', '-t', TEMPLATE, '--runner', 'process', '-p', '0']);
    for (let i = 0; i < 2; i++) {
      expect(await (await fetch(`${cli.url}/node`)).text()).toBe('node');
      expect(await (await fetch(`${cli.url}/py`)).text()).toBe('python');
    }
    const err = cli.stderr();
    expect(count(err, `nodejs24.x asks for Node 24 but the process runner runs it with the host's Node ${hostNode} (`)).toBe(1);
    expect(count(err, `python3.14 asks for Python 3.14 but the process runner runs it with the host's Python ${hostPython}`)).toBe(1);
  });

  it.skipIf(!dockerUp)('auto with a Docker daemon says Docker runs these functions in their real images', async () => {
    cli = await startCli(['start-api', '-t', TEMPLATE, '-p', '0']);
    const err = cli.stderr();
    expect(err).toContain('functions run with the docker runner (--runner auto)');
    expect(err).toContain(`nodejs24.x runs in its real runtime image with Docker (auto prefers it: the host has Node ${hostNode} (`);
    expect(err).toContain(`python3.14 runs in its real runtime image with Docker (auto prefers it: the host has Python ${hostPython})`);
  });
});
