// Test helper: runs the built `emulate` binary as a user would, and waits for it to say where it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface RunningCli {
  child: ChildProcess;
  /** `http://host:port` of the endpoint the command announced. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches (output and HTTP replies travel separately). */
  waitForStdout(pattern: RegExp | string): Promise<string>;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `emulate ARGS` and resolves once stderr says `Listening on host:port`. */
export function startCli(args: string[], options: { env?: Record<string, string>; cwd?: string; nodeArgs?: string[] } = {}): Promise<RunningCli> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of watchers) w();
  });
  const waitForStdout = (pattern: RegExp | string) =>
    new Promise<string>((resolve) => {
      const check = () => {
        if (typeof pattern === 'string' ? out.includes(pattern) : pattern.test(out)) {
          watchers.delete(check);
          resolve(out);
        }
      };
      watchers.add(check);
      check();
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const match = /Listening on (?:http:\/\/)?(\S+)/.exec(err);
      if (match) {
        resolve({
          child,
          url: `http://${match[1]!.replace('0.0.0.0', '127.0.0.1')}`,
          stdout: () => out,
          stderr: () => err,
          waitForStdout,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`emulate exited with ${code} before listening:\n${err}`)));
  });
}

/** Runs `emulate ARGS` to completion, optionally with standard input. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; stdin?: string; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? { PATH: process.env.PATH ?? '' },
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 20_000,
    });
    if (options.stdin !== undefined) child.stdin!.end(options.stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export const INVOKE_PATH = '/2015-03-31/functions/function/invocations';
