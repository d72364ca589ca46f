// Runs one runtime as one container: create, attach output, start, report its end in Go's words, kill and remove it.
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Container, ContainerCreateOptions } from 'dockerode';
import { emuError } from '../../core/errors.js';
import type { ExitInfo, RuntimeProcess } from '../../core/environment.js';
import { describeExit } from '../exit.js';
import { describeDockerError, type DockerClient } from './client.js';
import { execExtension, exitMarkFilter, KILL_RUNTIME_COMMAND, openGate, type ExtensionExec } from './extensions.js';
import { removeContainer } from './labels.js';
import type { NetworkPlan } from './network.js';

/** A host directory the container sees read-only at `target`. */
export interface ReadOnlyMount {
  source: string;
  target: string;
}

export interface ContainerSpec {
  /** For messages. */
  functionName: string;
  image: string;
  /** `linux/amd64` / `linux/arm64`: the daemon refuses a local image of another platform (API 1.41+). */
  platform?: string;
  /** Overrides of the image's CMD, ENTRYPOINT and WORKDIR; undefined keeps the image's. */
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  env: Record<string, string>;
  /** Read-only bind mounts of host directories (code, layers). */
  mounts: ReadOnlyMount[];
  labels: Record<string, string>;
  /** Container memory limit (swap included, as Lambda has none); undefined for no limit. */
  memoryMb?: number;
  /** Size of the writable /tmp. */
  tmpMb: number;
  /** Lambda-like restrictions: read-only root, unprivileged user, no capabilities, Lambda's process and file limits. */
  sandbox: boolean;
  /** `uid:gid` the runtime runs as when sandboxed. */
  user: string;
  network: NetworkPlan;
  /**
   * External extensions (names in /opt/extensions) to exec before the runtime; the entrypoint must then be
   * gated (extensions.ts gatedEntrypoint): it waits for a line on stdin before running the runtime.
   */
  extensions?: readonly string[];
  /** With extensions: the mark the gate tags its line with when the runtime ends (extensions.ts gateExitMark). */
  exitMark?: string;
}

/** A container as a RuntimeProcess, plus its id for tests and logs. */
export interface ContainerProcess extends RuntimeProcess {
  readonly id: string;
  /** With extensions: the started extensions, and how to let the gated runtime start. */
  readonly gate?: { extensions: readonly ExtensionExec[]; open(): void };
  /** Resolves once the container is gone; with extensions it outlives the runtime (whose end `exited` reports). */
  readonly removed: Promise<void>;
}

/** Lambda's limits inside an execution environment: 1,024 processes/threads and 1,024 open files. */
const LAMBDA_PROCESS_LIMIT = 1024;
const LAMBDA_FILE_LIMIT = 1024;
/** How long the output stream may lag behind the container's end before its exit is reported anyway. */
const OUTPUT_DRAIN_MS = 1000;
const MB = 1024 * 1024;

/** Signal names by number, for exit codes 128+N that an init process reports for a runtime killed by signal N. */
const SIGNAL_BY_NUMBER = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

/**
 * Go's wording of a container's end. With `Init: true` the init process exits 128+N when the runtime died of signal N,
 * so 137 reads `signal: killed` (our kill, or the OOM killer) and 139 `signal: segmentation fault`, as a host process would.
 */
export function describeContainerExit(statusCode: number | null): ExitInfo {
  if (statusCode === null) return { code: null, signal: null, description: 'exit status unknown (the daemon stopped reporting)' };
  const signal = statusCode > 128 ? SIGNAL_BY_NUMBER.get(statusCode - 128) : undefined;
  if (signal) return { ...describeExit(null, signal), code: statusCode };
  return describeExit(statusCode, null);
}

/** Docker's create options for the spec. */
export function createOptions(spec: ContainerSpec): ContainerCreateOptions {
  const tmpfs = `rw,exec,nosuid,nodev,size=${spec.tmpMb}m,mode=1777`;
  return {
    Image: spec.image,
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: spec.labels,
    ...(spec.sandbox ? { User: spec.user } : {}),
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    // The gate in front of a runtime with extensions reads its go-ahead from stdin.
    ...(spec.extensions?.length ? { AttachStdin: true, OpenStdin: true, StdinOnce: true } : { OpenStdin: false }),
    HostConfig: {
      // An init as PID 1 forwards signals and reaps children: a Node runtime as PID 1 would ignore SIGTERM (ric.md §2.3).
      Init: true,
      // The daemon removes the container once it stops, so even a killed emulator leaves nothing behind once the runtime exits.
      AutoRemove: true,
      // Mounts, not Binds: a missing source is an error instead of an empty directory the daemon creates on the host.
      Mounts: spec.mounts.map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: true })),
      Tmpfs: { '/tmp': tmpfs },
      NetworkMode: spec.network.networkMode,
      ...(spec.network.extraHosts.length ? { ExtraHosts: spec.network.extraHosts } : {}),
      ...(spec.memoryMb ? { Memory: spec.memoryMb * MB, MemorySwap: spec.memoryMb * MB } : {}),
      ...(spec.sandbox
        ? {
            ReadonlyRootfs: true,
            CapDrop: ['ALL'],
            SecurityOpt: ['no-new-privileges'],
            PidsLimit: LAMBDA_PROCESS_LIMIT,
            Ulimits: [{ Name: 'nofile', Soft: LAMBDA_FILE_LIMIT, Hard: LAMBDA_FILE_LIMIT }],
          }
        : {}),
    },
  };
}

/** Opens `POST /containers/{id}/wait?condition=removed`; resolves once the daemon has registered the wait (its headers arrive). */
function waitForRemoval(docker: DockerClient, id: string): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${id}/wait?`,
        method: 'POST',
        options: { _query: { condition: 'removed' }, _body: {} },
        isStream: true,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
      },
      (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as NodeJS.ReadableStream)),
    );
  });
}

/** Reads the wait response body: `{"StatusCode":137,"Error":null}`; null when the connection broke. */
function statusCodeOf(stream: NodeJS.ReadableStream): Promise<number | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A connection that breaks (daemon restart) closes without `end`: the exit is then unknown, but it is an exit.
    stream.on('error', () => resolve(null));
    stream.on('close', () => resolve(null));
    stream.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { StatusCode?: number };
        resolve(typeof body.StatusCode === 'number' ? body.StatusCode : null);
      } catch {
        resolve(null);
      }
    });
  });
}

/** Resolves when the stream has ended; listen from the start, as the end may come before anyone waits for it. */
function streamEnd(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', resolve);
  });
}

/** Resolves with `promise`, or after `ms` at the latest. */
function bounded(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

/**
 * The cgroup file holding the container's peak memory, when the daemon runs on this machine (cgroup v1 or v2,
 * cgroupfs or systemd driver); reading it is a synchronous file read, cheap enough for every REPORT line.
 */
function peakMemoryFile(id: string): string | undefined {
  const candidates = [
    `/sys/fs/cgroup/memory/docker/${id}/memory.max_usage_in_bytes`,
    `/sys/fs/cgroup/memory/system.slice/docker-${id}.scope/memory.max_usage_in_bytes`,
    `/sys/fs/cgroup/system.slice/docker-${id}.scope/memory.peak`,
    `/sys/fs/cgroup/docker/${id}/memory.peak`,
  ];
  return candidates.find((file) => existsSync(file));
}

function readPeakMb(file: string | undefined): number | undefined {
  if (!file) return undefined;
  try {
    const bytes = Number(readFileSync(file, 'latin1').trim());
    return Number.isFinite(bytes) && bytes > 0 ? Math.ceil(bytes / MB) : undefined;
  } catch {
    return undefined;
  }
}

const ignoreGone = (err: unknown) => {
  const status = (err as { statusCode?: number }).statusCode;
  if (status !== 404 && status !== 409) throw err;
};

/** How long the daemon may take to create, attach and start a container before the launch fails. */
export const DEFAULT_START_TIMEOUT_MS = 30_000;

/**
 * Creates and starts the container; throws EMU_DOCKER_CONTAINER_FAILED (removing what was created) when it cannot
 * start, or when the daemon has not started it within `startTimeoutMs` (a container that starts later is killed).
 */
export async function startContainer(
  docker: DockerClient,
  spec: ContainerSpec,
  onOutput: (chunk: Buffer, extension?: string) => void,
  startTimeoutMs = DEFAULT_START_TIMEOUT_MS,
): Promise<ContainerProcess> {
  const attempt = createAndStart(docker, spec, onOutput);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the Docker daemon did not start it within ${startTimeoutMs / 1000} s`)), startTimeoutMs);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } catch (err) {
    void attempt.then((late) => late.kill()).catch(() => {});
    throw emuError('EMU_DOCKER_CONTAINER_FAILED', spec.functionName, describeDockerError(err));
  } finally {
    clearTimeout(timer);
  }
}

async function createAndStart(docker: DockerClient, spec: ContainerSpec, onOutput: (chunk: Buffer, extension?: string) => void): Promise<ContainerProcess> {
  let container: Container | undefined;
  let stdin: Duplex | undefined;
  try {
    const options = createOptions(spec);
    // docker-modem sends `_query` as the query string and `_body` as the JSON body.
    container = await docker.createContainer({ _query: spec.platform ? { platform: spec.platform } : {}, _body: options } as unknown as ContainerCreateOptions);
    const output = await container.attach({ stream: true, stdout: true, stderr: true });
    const outputEnded = streamEnd(output);
    const names = spec.extensions ?? [];
    const forward = (chunk: Buffer) => onOutput(chunk);
    // With extensions the gate reports the runtime's end on both streams (the container lives on for the extensions' SHUTDOWN).
    const marks = names.length > 0 && spec.exitMark ? [exitMarkFilter(spec.exitMark, forward), exitMarkFilter(spec.exitMark, forward)] : undefined;
    const sink = (filter?: { write(chunk: Buffer): void }) => ({ write: (chunk: Buffer) => ((filter ? filter.write(chunk) : onOutput(chunk)), true) }) as unknown as NodeJS.WritableStream;
    docker.modem.demuxStream(output, sink(marks?.[0]), sink(marks?.[1]));
    if (names.length > 0) stdin = (await container.attach({ stream: true, stdin: true, hijack: true })) as Duplex;
    const waiting = await waitForRemoval(docker, container.id);
    await container.start();
    const gateStdin = stdin;
    const proc = running(docker, container, outputEnded, waiting, marks && runtimeEnd(marks[0]!.status, marks[1]!.status), gateStdin && (() => gateStdin.destroy()));
    if (!stdin) return proc;
    const user = spec.sandbox ? spec.user : undefined;
    const extensions: ExtensionExec[] = [];
    for (const name of names) extensions.push(await execExtension(docker, container, name, user, onOutput));
    const gateStream = stdin;
    let opened = false;
    const extensionExited = new Promise<{ name: string; exit: ExitInfo }>((resolve) => {
      for (const e of extensions) void e.proc.exited.then((exit) => resolve({ name: e.name, exit }));
    });
    return {
      ...proc,
      extensionNames: extensions.map((e) => e.name),
      extensionExited,
      extensionsGone: Promise.all(extensions.map((e) => e.proc.exited)).then(() => undefined),
      gate: {
        extensions,
        open() {
          if (opened) return;
          opened = true;
          openGate(gateStream);
        },
      },
    };
  } catch (err) {
    stdin?.destroy();
    if (container) await removeContainer(docker, container.id).catch(() => {});
    throw err;
  }
}

/** The gate's exit status once both streams have shown its line (the second at most OUTPUT_DRAIN_MS after the first). */
async function runtimeEnd(stdout: Promise<number | null>, stderr: Promise<number | null>): Promise<number | null> {
  const first = await Promise.race([stdout, stderr]);
  await bounded(Promise.all([stdout, stderr]).then(() => undefined), OUTPUT_DRAIN_MS);
  return first;
}

/**
 * The started container as a RuntimeProcess. Without extensions the runtime is the container's process: its end
 * is the container's. With extensions (`runtimeEnded`, from the gate's line) the runtime's end is reported as it
 * happens, in the same words, while the container stays up until killed; `closeStdin` ends the gate's hold.
 */
function running(
  docker: DockerClient,
  container: Container,
  outputEnded: Promise<void>,
  waiting: NodeJS.ReadableStream,
  runtimeEnded?: Promise<number | null>,
  closeStdin?: () => void,
): ContainerProcess {
  let alive = true;
  let runtimeAlive = true;
  const memoryFile = peakMemoryFile(container.id);
  const containerExit = statusCodeOf(waiting).then(async (status) => {
    alive = false;
    closeStdin?.();
    // Everything the runtime wrote before it ended belongs to the invocation that saw it end.
    await bounded(outputEnded, OUTPUT_DRAIN_MS);
    if (status === null) await removeContainer(docker, container.id).catch(() => {});
    return status;
  });
  const status = runtimeEnded ? Promise.race([runtimeEnded, containerExit]) : containerExit;
  const exited = status.then((code) => {
    runtimeAlive = false;
    return describeContainerExit(code);
  });
  // With extensions, a reset kills the runtime alone, before the extensions' SHUTDOWN, as Lambda does ("First, Lambda shuts
  // down the runtime, then it sends a Shutdown event to each registered external extension": lambda-runtime-environment.html).
  const killRuntime = async () => {
    if (!runtimeAlive) return; // a crashed runtime: nothing to kill
    try {
      const exec = await container.exec({ Cmd: KILL_RUNTIME_COMMAND, AttachStdout: false, AttachStderr: false });
      await exec.start({ Detach: true });
    } catch {
      return; // the container is gone already, and the runtime with it
    }
    await bounded(exited.then(() => undefined), OUTPUT_DRAIN_MS);
  };
  return {
    id: container.id,
    exited,
    removed: containerExit.then(() => undefined),
    ...(runtimeEnded ? { killRuntime } : {}),
    async kill() {
      if (alive) {
        // A kill the daemon refuses for another reason than "already gone" still must not leave the container behind.
        await container.kill({ signal: 'SIGKILL' }).catch(ignoreGone).catch(() => removeContainer(docker, container.id).catch(() => {}));
      }
      await Promise.all([exited, containerExit]);
    },
    maxMemoryUsedMb: () => (alive && runtimeAlive ? readPeakMb(memoryFile) : undefined),
  };
}
