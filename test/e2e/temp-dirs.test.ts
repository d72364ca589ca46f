// InlineCode leaves no temporary folder behind: removed on SIGINT, and swept at the next start after a SIGKILL.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';

const TEMPLATE = 'fixtures/inline-code/template.yaml';
let temp: string;
let running: RunningCli | undefined;

const emulateEntries = () => readdirSync(temp).filter((name) => name.startsWith('emulate-'));

/** start-api with the inline fixture, its temp dir isolated so that other emulators' folders are not counted. */
async function start(): Promise<RunningCli> {
  const cli = await startCli(['start-api', '-t', TEMPLATE, '--runner', 'process', '-p', '0'], { env: { PATH: process.env.PATH ?? '', TMPDIR: temp } });
  running = cli;
  const res = await fetch(`${cli.url}/inline`);
  expect(await res.text()).toBe('inline');
  return cli;
}

function exitOf(cli: RunningCli): Promise<unknown> {
  return new Promise((resolve) => (cli.child.exitCode !== null ? resolve(cli.child.exitCode) : cli.child.once('exit', resolve)));
}

beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'temp-dirs-test-'));
});

afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) await running.stop();
  running = undefined;
  rmSync(temp, { recursive: true, force: true });
});

describe('InlineCode temporary folders', () => {
  it('removes the inline code folder when start-api is stopped by SIGINT', async () => {
    const cli = await start();
    expect(emulateEntries()).toEqual([expect.stringMatching(/^emulate-inline-\d+-InlineFunction-/)]);
    const exited = exitOf(cli);
    cli.child.kill('SIGINT');
    await exited;
    expect(emulateEntries()).toEqual([]);
  });

  it('sweeps the folder a SIGKILLed emulator left at the next start, and leaves none after that one stops', async () => {
    const first = await start();
    const killed = exitOf(first);
    first.child.kill('SIGKILL');
    await killed;
    expect(emulateEntries()).toHaveLength(1);
    const second = await start();
    // Only the second emulator's own folder remains while it runs.
    expect(emulateEntries()).toEqual([expect.stringMatching(new RegExp(`^emulate-inline-${second.child.pid}-InlineFunction-`))]);
    await second.stop();
    expect(emulateEntries()).toEqual([]);
  });
});
