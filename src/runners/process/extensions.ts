// External extensions on the process runner: the executables in the layers' extensions/ folders, started before the runtime.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExitInfo, LaunchContext, RuntimeProcess } from '../../core/environment.js';
import type { Logger } from '../../core/logger.js';
import { ownedTempDir } from '../../core/temp-dirs.js';
import { registeredOrExited, type ExtensionFile } from '../extensions.js';
import { spawnRuntime, type SpawnRuntimeOptions } from './spawn.js';

let canUnshare: boolean | undefined;

/** Whether this host lets an unprivileged process have its own mount namespace (`unshare -rm`). */
export function privateOptAvailable(): boolean {
  if (canUnshare === undefined) {
    const probe = spawnSync('unshare', ['-rm', '--propagation', 'private', 'true'], { timeout: 5_000 });
    canUnshare = probe.status === 0;
  }
  return canUnshare;
}

/**
 * The sandbox view extensions get in their private mount namespace: `opt/`, a folder that looks like
 * Lambda's /opt (one symlink per top-level entry of each layer, later layers winning) so the samples'
 * hard-coded `/opt/<name>/...` paths resolve, and `hosts`, the host's /etc/hosts plus
 * `sandbox.localdomain` on the loopback, AWS's host name for Telemetry API listeners.
 */
export function mergedOpt(layerDirs: readonly string[], label: string): string {
  const dir = ownedTempDir('opt', label);
  const opt = join(dir, 'opt');
  mkdirSync(opt);
  linkMerged(layerDirs, opt);
  let hosts = '';
  try {
    hosts = readFileSync('/etc/hosts', 'utf8');
  } catch {
    // no hosts file: the sandbox name alone
  }
  writeFileSync(join(dir, 'hosts'), `${hosts.endsWith('\n') || hosts === '' ? hosts : `${hosts}\n`}127.0.0.1 sandbox.localdomain\n`);
  return dir;
}

/**
 * Fills `dest` with the merged contents of `dirs` as Lambda extracts layers into /opt: a folder more than one layer
 * has (`extensions/` above all) is merged entry by entry, anything else is a symlink to the last layer that has it.
 */
function linkMerged(dirs: readonly string[], dest: string): void {
  const byEntry = new Map<string, string[]>();
  for (const dir of dirs) for (const entry of readdirSync(dir)) byEntry.set(entry, [...(byEntry.get(entry) ?? []), join(dir, entry)]);
  for (const [entry, paths] of byEntry) {
    const folders = paths.filter((path) => statSync(path).isDirectory());
    if (folders.length > 1 && folders.length === paths.length) {
      mkdirSync(join(dest, entry));
      linkMerged(folders, join(dest, entry));
    } else {
      symlinkSync(paths[paths.length - 1]!, join(dest, entry));
    }
  }
}

/**
 * Starts each extension (in the sandbox view `sandbox` from mergedOpt, when given), waits until they have
 * registered, and then starts the runtime; one handle for all of them.
 */
export async function spawnWithExtensions(
  extensions: readonly ExtensionFile[],
  sandbox: string | undefined,
  runtime: SpawnRuntimeOptions,
  ctx: Pick<LaunchContext, 'extensionsRegistered' | 'onOutput'>,
  logger: Logger,
): Promise<RuntimeProcess> {
  const started: Array<{ name: string; proc: RuntimeProcess }> = [];
  try {
    for (const ext of extensions) {
      const path = sandbox ? join('/opt/extensions', ext.name) : ext.path;
      const proc = await spawnRuntime({
        ...runtime,
        onOutput: (chunk) => ctx.onOutput(chunk, ext.name),
        ...(sandbox
          ? { command: 'unshare', args: ['-rm', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0/opt" /opt && mount --bind "$0/hosts" /etc/hosts && exec "$@"', sandbox, path] }
          : { command: path, args: [] }),
      });
      started.push({ name: ext.name, proc });
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.proc.kill()));
    throw err;
  }
  logger.debug({ extensions: extensions.map((e) => e.name) }, 'extensions started');
  let main: RuntimeProcess;
  try {
    await registeredOrExited(ctx, started);
    main = await spawnRuntime(runtime);
  } catch (err) {
    await Promise.all(started.map((s) => s.proc.kill()));
    throw err;
  }
  const extensionExited = new Promise<{ name: string; exit: ExitInfo }>((resolve) => {
    for (const s of started) void s.proc.exited.then((exit) => resolve({ name: s.name, exit }));
  });
  return {
    exited: main.exited,
    extensionNames: started.map((s) => s.name),
    extensionExited,
    extensionsGone: Promise.all(started.map((s) => s.proc.exited)).then(() => undefined),
    async kill() {
      await Promise.all([main.kill(), ...started.map((s) => s.proc.kill())]);
    },
    killRuntime: () => main.kill(),
    ...(main.maxMemoryUsedMb ? { maxMemoryUsedMb: main.maxMemoryUsedMb } : {}),
  };
}
