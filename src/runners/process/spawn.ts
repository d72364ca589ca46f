// Starts one runtime as a host process in its own process group, and reports how it ended in Go's words.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { constants } from 'node:os';
import { emuError } from '../../core/errors.js';
import type { ExitInfo, RuntimeProcess } from '../../core/environment.js';
import { describeExit } from '../exit.js';

export interface SpawnRuntimeOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /** The complete environment of the runtime: nothing is inherited. */
  env: Record<string, string>;
  onOutput(chunk: Buffer): void;
}

/** Go's wording of spawn errors (`fork/exec /x: no such file or directory`), which Lambda's messages carry. */
function spawnFailure(command: string, err: NodeJS.ErrnoException): string {
  const reason =
    err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
  return `fork/exec ${command}: ${reason}`;
}

/**
 * Reads a process's peak resident memory in MB from /proc (Linux); undefined elsewhere or once it is
 * gone. The status file stays open: each read from offset 0 is fresh, without an open per sample.
 */
function peakMemoryReader(pid: number): { read(): number | undefined; close(): void } {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/status`, 'r');
  } catch {
    return { read: () => undefined, close: () => {} };
  }
  const buf = Buffer.allocUnsafe(4096);
  return {
    read() {
      try {
        const n = readSync(fd!, buf, 0, buf.length, 0);
        const match = /VmHWM:\s+(\d+) kB/.exec(buf.toString('latin1', 0, n));
        return match ? Math.ceil(Number(match[1]) / 1024) : undefined;
      } catch {
        return undefined;
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

export async function spawnRuntime(options: SpawnRuntimeOptions): Promise<RuntimeProcess> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true, // own process group: a kill reaches everything the runtime started
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
    throw emuError('EMU_ENV_LAUNCH_FAILED', spawnFailure(options.command, err));
  }
  const pid = child.pid;
  child.stdout.on('data', options.onOutput);
  child.stderr.on('data', options.onOutput);
  let alive = true;
  const memory = peakMemoryReader(pid);
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      memory.close();
      resolve(describeExit(code, signal));
    });
  });
  return {
    exited,
    async kill() {
      if (alive) {
        try {
          process.kill(-pid, constants.signals.SIGKILL);
        } catch {
          child.kill('SIGKILL');
        }
      }
      await exited;
    },
    maxMemoryUsedMb: () => (alive ? memory.read() : undefined),
  };
}
