// The README's shell examples, run as written: every `sh` block says how it is checked (run, docker, serve) or why it is skipped.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/cli.js';

interface Example {
  line: number;
  mode: string;
  code: string;
}

/** Each `sh` block with the `<!-- readme-test: MODE -->` line above it (MODE empty when there is none). */
function examples(): Example[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue;
    const end = lines.indexOf('```', i + 1);
    const mode = /^<!-- readme-test: ([a-z]+)/.exec(lines[i - 1] ?? '')?.[1] ?? '';
    out.push({ line: i + 1, mode, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return out;
}

/** A folder whose `emulate` runs this checkout's build, as an installed bin would. */
const bin = mkdtempSync(join(tmpdir(), 'emulate-readme-'));
writeFileSync(join(bin, 'emulate'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
chmodSync(join(bin, 'emulate'), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));
const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };

const dockerAnswers = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const withoutComment = (line: string) => line.replace(/\s+#\s.*$/, '').trim();

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a serving example: its server lines on a free port in place of 3000, then each curl line, checked against its `# expected` comment. */
async function serve(example: Example): Promise<void> {
  const port = await freePort();
  const lines = example.code.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const probes = lines.filter((l) => l.trim().startsWith('curl '));
  const setup = lines.filter((l) => !probes.includes(l)).map(withoutComment);
  const script = `${setup.slice(0, -1).join('\n')}\nexec ${setup.at(-1)} -p ${port}`;
  const child = spawn('sh', ['-c', script], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (c: Buffer) => {
        output += c.toString();
        if (/Listening on/.test(output)) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then(() => reject(new Error(`README line ${example.line}: the server exited:\n${output}`)));
    });
    for (const probe of probes) {
      const expected = /#\s*(.+)$/.exec(probe)?.[1]?.trim();
      const command = withoutComment(probe).replace(/(127\.0\.0\.1|localhost):3000/g, `127.0.0.1:${port}`);
      const res = spawnSync('sh', ['-c', command], { cwd: ROOT, env, encoding: 'utf8' });
      expect(res.status, `${command}\n${res.stderr}`).toBe(0);
      if (expected) expect(res.stdout.replace(/\s+/g, '')).toBe(expected.replace(/\s+/g, ''));
    }
  } finally {
    try {
      process.kill(-child.pid!, 'SIGINT');
    } catch {
      // already gone
    }
    await exited;
  }
}

describe('the README shell examples', () => {
  it('says for every sh block how it is checked or why it is skipped', () => {
    const unmarked = examples().filter((e) => !['run', 'docker', 'serve', 'skip'].includes(e.mode));
    expect(unmarked.map((e) => `README.md:${e.line}`)).toEqual([]);
  });

  it.each(examples().filter((e) => e.mode === 'run' || e.mode === 'docker').map((e) => [e.line, e] as const))(
    'runs the block at README line %i as written, exit 0',
    { timeout: 120_000 },
    (_line, example) => {
      if (example.mode === 'docker' && !dockerAnswers) return;
      const res = spawnSync('bash', ['-euo', 'pipefail', '-c', example.code], { cwd: ROOT, env, encoding: 'utf8', timeout: 110_000 });
      expect(res.status, `${example.code}\n${res.stdout}\n${res.stderr}`).toBe(0);
    },
  );

  it.each(examples().filter((e) => e.mode === 'serve').map((e) => [e.line, e] as const))(
    'serves the block at README line %i and answers its curl lines as the comments say',
    { timeout: 120_000 },
    (_line, example) => serve(example),
  );
});
