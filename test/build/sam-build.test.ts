// SAM's build folder: .aws-sam/build/template.yaml is served when newer than template.yaml, said at start-up; a stale one is warned about.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function template(codeUri: string): string {
  return `Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ${codeUri}\n      Handler: index.handler\n      Runtime: nodejs20.x\n`;
}

/** A project whose source function answers "source" and whose sam build output answers "built"; the build is `buildAgeS` seconds younger. */
function project(buildAgeS: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulate-sam-build-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'index.js'), 'exports.handler = async () => "source";');
  writeFileSync(path.join(dir, 'template.yaml'), template('src/'));
  const build = path.join(dir, '.aws-sam', 'build');
  mkdirSync(path.join(build, 'Fn'), { recursive: true });
  writeFileSync(path.join(build, 'Fn', 'index.js'), 'exports.handler = async () => "built";');
  writeFileSync(path.join(build, 'template.yaml'), template('Fn'));
  const now = Date.now() / 1000;
  utimesSync(path.join(dir, 'template.yaml'), now, now);
  utimesSync(path.join(build, 'template.yaml'), now + buildAgeS, now + buildAgeS);
  return dir;
}

async function serve(dir: string, extra: Record<string, unknown> = {}): Promise<{ answer: unknown; lines: Array<{ level: number; msg: string }> }> {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
  await using emu = await createEmulator({ cwd: dir, runner: 'process', logger: pino({ level: 'info' }, sink), port: false, lambdaPort: false, ...extra });
  return { answer: (await emu.invoke('Fn')).value, lines };
}

describe('SAM build folder', () => {
  it.each([
    ['serves a newer .aws-sam/build and says so', 60, {}, 'built', 30, /serving SAM's build \.aws-sam\/build\/template\.yaml, newer than template\.yaml/],
    ['serves the source when .aws-sam/build is older, warning with both names', -60, {}, 'source', 40, /\.aws-sam\/build\/template\.yaml is older than template\.yaml/],
    ['serves the source with --source-template even when the build is newer', 60, { sourceTemplate: true }, 'source', 30, /serving template\.yaml \(--source-template\)/],
  ])('%s', async (_name, age, extra, answer, level, message) => {
    const prevCwd = process.cwd();
    const dir = project(age);
    process.chdir(dir);
    try {
      const result = await serve(dir, extra);
      expect(result.answer).toBe(answer);
      expect(result.lines.some((l) => l.level === level && message.test(l.msg))).toBe(true);
    } finally {
      process.chdir(prevCwd);
    }
  });

  it('serves the template named by --template, whatever the build folder holds', async () => {
    const dir = project(60);
    const result = await serve(dir, { template: path.join(dir, 'template.yaml') });
    expect(result.answer).toBe('source');
  });
});
