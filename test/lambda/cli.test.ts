// The template commands as a terminal user runs them: invoke (file, stdin, exit codes), start-lambda, validate, generate-event.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli, startCli } from '../helpers/cli.js';

const T = ['-t', 'fixtures/lambda/template.yaml', '--runner', 'process'];

describe('emulate invoke', () => {
  it('invokes with an event file: result on stdout, the function log on stderr, exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulate-event-'));
    writeFileSync(join(dir, 'event.json'), '{"from":"file"}');
    const res = await runCli(['invoke', 'echo', '-e', join(dir, 'event.json'), ...T]);
    rmSync(dir, { recursive: true, force: true });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ event: { from: 'file' }, functionName: 'echo' });
    expect(res.stderr).toMatch(/START RequestId: \S+ Version: \$LATEST/);
    expect(res.stderr).toContain('echo got {"from":"file"}');
    expect(res.stderr).toMatch(/REPORT RequestId: \S+\tDuration: /);
  });

  it('writes the payload byte-exact to a pipe, and ends it with a newline on a terminal', async () => {
    const piped = await runCli(['invoke', 'EchoFunction', '-e', '-', ...T], { stdin: '{"from":"pipe"}' });
    expect(piped.code).toBe(0);
    expect(piped.stdout.endsWith('}')).toBe(true);
    // script(1) gives the command a real pseudo-terminal; the event comes from a file since stdin is the terminal.
    const dir = mkdtempSync(join(tmpdir(), 'emulate-event-'));
    writeFileSync(join(dir, 'event.json'), '{"from":"tty"}');
    const command = [process.execPath, CLI, 'invoke', 'EchoFunction', '-e', join(dir, 'event.json'), ...T, '2>/dev/null'].join(' ');
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/"from":"tty"[^\n]*\}\r?\n$/);
  });

  it('reads the event from standard input with -e -', async () => {
    const res = await runCli(['invoke', 'EchoFunction', '-e', '-', ...T], { stdin: '{"from":"stdin"}' });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).event).toEqual({ from: 'stdin' });
  });

  it('refuses a 7 MB event as Lambda does: RequestEntityTooLargeException, exit 1, the function not run', async () => {
    const res = await runCli(['invoke', 'EchoFunction', '-e', '-', ...T], { stdin: JSON.stringify({ big: 'x'.repeat(7 * 1024 * 1024) }) });
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({ errorType: 'RequestEntityTooLargeException', errorMessage: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
    expect(res.stderr).not.toContain('START RequestId');
  });

  it('exits 1 and prints the error JSON when the function fails', async () => {
    const res = await runCli(['invoke', 'ThrowFunction', ...T]);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ errorType: 'TypeError', errorMessage: 'kaboom' });
    expect(res.stderr).toContain('about to throw');
  });

  it.each([
    [['invoke', ...T], /^emulate: the template has 6 functions; name one: echo, ThrowFunction/],
    [['invoke', 'Nope', ...T], /^emulate: function "Nope" is not in the template; it has: echo, /],
    [['invoke', 'echo', '-e', '/nonexistent.json', ...T], /^emulate: cannot read the event from "\/nonexistent.json": ENOENT\n$/],
    [['invoke', '-t', 'fixtures/nope.yaml'], /^emulate: template file ".*fixtures\/nope.yaml" does not exist\n$/],
    [['invoke', '--runner', 'podman', '-t', 'fixtures/lambda/template.yaml'], /^emulate: option "--runner" must be one of auto, docker, process, got "podman"\n$/],
    [['invoke', '--bogus', ...T], /^emulate: unknown option "--bogus" \(see --help\)\n$/],
  ])('refuses %j with one line and exit 1', async (args, message) => {
    const res = await runCli(args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });
});

describe('emulate start-lambda', () => {
  it('serves the Invoke API to the AWS SDK until SIGTERM', async () => {
    const cli = await startCli(['start-lambda', '-p', '0', ...T]);
    const lambda = new LambdaClient({ endpoint: cli.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      const res = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"via":"cli"}') }));
      expect(JSON.parse(Buffer.from(res.Payload!).toString()).event).toEqual({ via: 'cli' });
      expect(await cli.waitForStdout('echo got {"via":"cli"}')).toMatch(/REPORT RequestId/);
      expect(cli.stderr()).toContain('6 function(s): echo, ThrowFunction, SleepFunction, CrashFunction, ReservedFunction, EnvFunction');
    } finally {
      lambda.destroy();
      expect(await cli.stop()).toBe(0);
    }
  });
});

describe('emulate validate and generate-event', () => {
  it('prints the functions of a template', async () => {
    const res = await runCli(['validate', ...T]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Functions \(6\)/);
    expect(res.stdout).toMatch(/echo \(EchoFunction\)\s+nodejs20\.x\s+handlers\.echo/);
  });

  it.each(['apigw-http', 'apigw-rest', 's3-put', 'sqs', 'sns', 'eventbridge', 'dynamodb-stream'])('prints a %s sample event that invoke accepts', async (source) => {
    const event = await runCli(['generate-event', source]);
    expect(event.code).toBe(0);
    const res = await runCli(['invoke', 'echo', '-e', '-', ...T], { stdin: event.stdout });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).event).toEqual(JSON.parse(event.stdout));
  });
});
