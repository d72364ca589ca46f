// --debug-port's rules on the process runner: which function, the port open before the first request with EAGER, one environment, and no listener at all without it.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { createEmulator, type Emulator } from '../../src/index.js';
import { CdpSession, freePort } from './cdp.js';
import { capturedLogger, debugProject, logged, nodeAttachConfig, startDebugging } from './scenario.js';

const QUICKSTART = fileURLToPath(new URL('../../fixtures/quickstart/template.yaml', import.meta.url));

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function track<T extends Emulator>(emu: T): T {
  cleanup.push(() => emu.close());
  return emu;
}

/** This process's children (the runtimes the process runner spawned), from /proc. */
function children(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        // Field 4 of /proc/PID/stat is the parent; the command name (field 2) may hold spaces, so read after its ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** TCP ports a process listens on: its socket inodes (/proc/PID/fd) among the LISTEN rows of /proc/net/tcp and tcp6. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, inode is column 10.
      if (cols[3] === '0A' && inodes.has(cols[9]!)) ports.push(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** The children whose command line runs emulate's Node runtime client. */
function nodeRuntimes(): number[] {
  return children().filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('clients/node/main.js'));
}

describe('which function --debug-port debugs', () => {
  it('requires --debug-function when the template has several functions, naming them', async () => {
    await expect(createEmulator({ template: QUICKSTART, runner: 'process', logLevel: 'silent', lambdaPort: false, port: 0, debugPort: 9229 })).rejects.toMatchObject({
      code: 'EMU_CONFIG_BAD_OPTION',
      message: expect.stringMatching(/debugFunction.*required with debugPort \(-d\/--debug-port\).*--debug-function NAME, one of HelloFunction, EchoFunction/),
    });
  });

  it('says so in one line on the command line, before starting anything', () => {
    const out = spawnSync(process.execPath, [CLI, 'start-api', '-t', QUICKSTART, '--runner', 'process', '-p', '0', '-d', '9229'], { encoding: 'utf8', timeout: 20_000 });
    expect(out.status).not.toBe(0);
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe('emulate: option "debugFunction" is required with debugPort (-d/--debug-port) when the template has several functions: pass --debug-function NAME, one of HelloFunction, EchoFunction');
  });

  it('emulate invoke NAME -d PORT debugs the invoked function (here with --debug-args=--inspect, which does not wait)', async () => {
    const port = await freePort();
    const event = JSON.stringify({ pathParameters: { name: 'ann' } });
    const out = spawnSync(process.execPath, [CLI, 'invoke', 'HelloFunction', '-t', QUICKSTART, '--runner', 'process', '-d', String(port), '--debug-args=--inspect', '-e', '-'], { encoding: 'utf8', input: event, timeout: 20_000 });
    expect(out.status).toBe(0);
    expect(JSON.parse(JSON.parse(out.stdout).body)).toMatchObject({ message: 'Hello, ann!' });
    expect(out.stderr).toContain(`Debugger for HelloFunction listening on 127.0.0.1:${port}; the function runs without waiting for it`);
    expect(out.stderr).toContain(`Debugger listening on ws://127.0.0.1:${port}/`);
  });

  it.each([
    [{ debugFunction: 'Nope' }, /debugFunction.*names no function of the template \("Nope"\).*HelloFunction, EchoFunction/],
    [{ debugFunction: 'HelloFunction', debugPort: undefined }, /debugFunction.*needs debugPort/],
    [{ debugArgs: '--inspect', debugPort: undefined }, /debugArgs.*needs debugPort/],
  ])('refuses %o with a clear error', async (extra, message) => {
    await expect(createEmulator({ template: QUICKSTART, runner: 'process', logLevel: 'silent', lambdaPort: false, port: 0, debugPort: 9229, ...extra })).rejects.toMatchObject({
      code: 'EMU_CONFIG_BAD_OPTION',
      message: expect.stringMatching(message),
    });
  });
});

describe('the debugged runtime on the process runner', () => {
  it('with --warm-containers EAGER has its inspector port open, and says so, before the first request', async () => {
    const p = debugProject();
    cleanup.push(() => p.remove());
    const run = await startDebugging(p, { runner: 'process', warmContainers: 'EAGER' });
    track(run.emu);
    // createEmulator has resolved and no request was sent: the line is out and the inspector answers.
    expect(run.messages).toContain(`Debugger for HelloWorldFunction listening on 127.0.0.1:${run.port}; waiting for it to attach`);
    const version = (await (await fetch(`http://127.0.0.1:${run.port}/json/version`)).json()) as { Browser: string };
    expect(version.Browser).toMatch(/^node\.js\//);
    // Attach; three requests at once are served one after another by the one environment.
    const session = await CdpSession.attach({ ...nodeAttachConfig('emulate: Node (process runner)', p.dir, run.port), outFiles: [] }, { file: p.ts, line: p.line });
    cleanup.push(() => session.close());
    const answers = await Promise.all([1, 2, 3].map(() => fetch(`${run.emu.apiUrl}/Prod/hello`).then((r) => r.status)));
    expect(answers).toEqual([200, 200, 200]);
    expect(run.messages.filter((m) => m.startsWith('Debugger for'))).toHaveLength(1);
    expect(nodeRuntimes()).toHaveLength(1);
  });

  it('takes --debug-args --inspect: the function runs without waiting, and the runtime listens on the debug port', async () => {
    const p = debugProject();
    cleanup.push(() => p.remove());
    const run = await startDebugging(p, { runner: 'process', debugArgs: '--inspect' });
    track(run.emu);
    expect((await fetch(`${run.emu.apiUrl}/Prod/hello`)).status).toBe(200);
    expect(await logged(run.messages, /^Debugger for/)).toBe(`Debugger for HelloWorldFunction listening on 127.0.0.1:${run.port}; the function runs without waiting for it`);
    const [runtime] = nodeRuntimes();
    expect(listeningPorts(runtime!)).toEqual([run.port]);
  });
});

describe('without --debug-port', () => {
  it('the runtime opens no listening socket and nothing says Debugger', async () => {
    const p = debugProject();
    cleanup.push(() => p.remove());
    const { logger, messages } = capturedLogger();
    const emu = track(await createEmulator({ template: p.template, runner: 'process', lambdaPort: false, port: 0, logger }));
    const before = children();
    expect((await fetch(`${emu.apiUrl}/Prod/hello`)).status).toBe(200);
    const runtimes = nodeRuntimes();
    expect(runtimes).toHaveLength(1);
    expect(before).not.toContain(runtimes[0]);
    // The warm runtime is still alive here: it listens on nothing (it only connects to its Runtime API).
    expect(listeningPorts(runtimes[0]!)).toEqual([]);
    expect(readFileSync(`/proc/${runtimes[0]}/cmdline`, 'utf8')).not.toMatch(/--inspect/);
    expect(messages.filter((m) => /Debugger/.test(m))).toEqual([]);
  });
});
