// The Docker runner: prepares a function's image once (pull or build), then launches each runtime generation as a Lambda-like container.
import { chmodSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageInspectInfo } from 'dockerode';
import type { DebugTarget } from '../../core/debug.js';
import { emuError } from '../../core/errors.js';
import type { Launch } from '../../core/environment.js';
import type { Logger } from '../../core/logger.js';
import type { FunctionSpec } from '../../core/model.js';
import { ownedTempDir } from '../../core/temp-dirs.js';
import { lambdaEnvironment } from '../lambda-env.js';
import { buildFunctionImage } from './build.js';
import { debugContainer, type ContainerDebug } from './debug.js';
import { assertDockerReachable, createDockerClient, type DockerClient } from './client.js';
import { findExtensions, registeredOrExited } from '../extensions.js';
import { startContainer, type ContainerProcess, type ContainerSpec } from './container.js';
import { gatedEntrypoint, gateExitMark, imageExtensions } from './extensions.js';
import { baseImageFor, dockerPlatform, lambdaArchitecture, RUNTIME_IMAGES } from './images.js';
import { containerLabels, EMULATOR_INSTANCE } from './labels.js';
import { prepareLayers } from './layers.js';
import { containerRuntimeApi, planNetwork, type DockerNetworkOptions } from './network.js';
import { ensureImage, offlineHint, inspectImage } from './pull.js';
import type { ProgressSink } from './progress.js';

export interface DockerRunnerOptions extends DockerNetworkOptions {
  /** The dockerode client (default: createDockerClient(), i.e. DOCKER_HOST or the default socket). */
  docker?: DockerClient;
  logger: Logger;
  region: string;
  /** Set when this function is the one a debugger attaches to. */
  debug?: DebugTarget;
  /** Host variables a function may see: none by default; a list of names, or true for all (as the process runner). */
  hostEnv?: readonly string[] | boolean;
  /** The host's environment that `hostEnv` reads (default process.env). */
  env?: Record<string, string | undefined>;
  /** `--skip-pull-image`: a missing image is an error instead of a pull. */
  skipPull?: boolean;
  /** `--invoke-image`: the image Zip functions run on instead of the AWS base image. */
  invokeImage?: string;
  /** Lambda-like sandbox (read-only root, unprivileged user, writable /tmp only); default true. */
  sandbox?: boolean;
  /** `MemorySize` as the container's memory limit; false is SAM's `--no-memory-limit`. Default true. */
  memoryLimit?: boolean;
  /** Pull and build progress, one line at a time (default: info lines on the logger). */
  onProgress?: ProgressSink;
  /** A pull silent for this long fails (default 60 s). */
  pullInactivityTimeoutMs?: number;
  /** The `emulate.instance` label (default: this process's EMULATOR_INSTANCE). */
  instance?: string;
}

/** A Launch that also knows its image and can stop every container it started. */
export interface DockerLaunch extends Launch {
  /** The image the function's containers run. */
  readonly image: string;
  /** Kills and removes the containers this launch started, and deletes its temporary files; idempotent. */
  close(): Promise<void>;
}

/** Lambda's sandbox user (`sbx_user1051`, uid 993, gid 990): code it runs cannot write outside /tmp. */
export const SANDBOX_USER = '993:990';
/** Where Lambda puts the code and the runtime inside the execution environment. */
export const TASK_ROOT = '/var/task';
export const RUNTIME_DIR = '/var/runtime';

/** An image's ENTRYPOINT as a list (Docker stores the shell form as a string). */
function asList(value: string | string[] | null | undefined): string[] | undefined {
  // `ENTRYPOINT []` in a Dockerfile leaves null (or an empty list) in the image's config: no entrypoint.
  if (value === undefined || value === null || value.length === 0) return undefined;
  return Array.isArray(value) ? value : ['/bin/sh', '-c', value];
}

/** The sandbox's host name in Lambda (Telemetry API destinations, e.g. http://sandbox.localdomain:8080). */
export const SANDBOX_HOST = 'sandbox.localdomain';

/** Variables an image defines for itself (base images set them); for Image functions the image's value wins. */
const IMAGE_OWNED = ['PATH', 'LANG', 'TZ', 'LD_LIBRARY_PATH', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'AWS_EXECUTION_ENV'];

/** The image's own variables as a map. */
function imageEnv(info: ImageInspectInfo): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of info.Config?.Env ?? []) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

/** What a Zip function's container mounts at /var/task, and how to clean it up. */
function codeMount(fn: FunctionSpec): { dir: string; dispose(): void } {
  switch (fn.code.kind) {
    case 'directory':
      return { dir: fn.code.path, dispose: () => {} };
    case 'inline': {
      const dir = ownedTempDir('inline', fn.logicalId);
      chmodSync(dir, 0o755);
      // Lambda writes inline code as index.js (Node) or index.py (Python).
      writeFileSync(join(dir, fn.runtime?.startsWith('python') ? 'index.py' : 'index.js'), fn.code.source, { mode: 0o644 });
      return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
    }
    case 'archive':
      throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `a .zip CodeUri (${fn.code.path}) is not supported by the Docker runner yet; point CodeUri at a directory`);
    case 'image':
      throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, 'a Zip function has image code');
  }
}

/** A spec's extensions, with the gate in front of the image's entrypoint. */
function gated(extensions: string[], entrypoint: string[]): Pick<ContainerSpec, 'extensions' | 'entrypoint' | 'exitMark'> {
  const mark = gateExitMark();
  return { extensions, entrypoint: gatedEntrypoint(entrypoint, mark), exitMark: mark };
}

/** Warns when the code directory is missing, or when the sandbox user will not be able to read it (Lambda would refuse too). */
function checkCode(dir: string, fn: FunctionSpec, sandbox: boolean, logger: Logger): void {
  try {
    const mode = statSync(dir).mode;
    if (sandbox && (mode & 0o005) !== 0o005) {
      logger.warn({ fn: fn.functionName, dir, mode: (mode & 0o777).toString(8) }, `the function runs as uid ${SANDBOX_USER.split(':')[0]} and cannot read its code directory; make it world-readable (chmod o+rx), as Lambda requires, or turn the sandbox off`);
    }
  } catch {
    logger.warn({ fn: fn.functionName, dir }, 'code directory does not exist; its containers will not start');
  }
}

interface Prepared {
  image: ImageInspectInfo;
  imageName: string;
  spec: ContainerSpec;
  dispose(): void;
}

/** Resolves the image of an Image function: built from Metadata when it has some, else its local ImageUri. */
async function imageOfImageFunction(docker: DockerClient, fn: FunctionSpec, options: DockerRunnerOptions, progress: ProgressSink, networkMode: string): Promise<{ name: string; info: ImageInspectInfo }> {
  if (fn.code.kind !== 'image') throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, 'PackageType Image without image code');
  const platform = dockerPlatform(fn.architecture);
  if (fn.code.build) {
    const name = await buildFunctionImage(docker, fn.functionName, fn.logicalId, fn.code.build, { platform, networkMode, onProgress: progress });
    const info = await inspectImage(docker, name);
    if (!info) throw emuError('EMU_DOCKER_BUILD_FAILED', fn.functionName, `the build finished but image ${name} is missing`);
    return { name, info };
  }
  if (!fn.code.imageUri) throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `ImageUri not provided for Function: ${fn.logicalId} of PackageType: Image`);
  const info = await ensureImage(docker, fn.code.imageUri, { skipPull: options.skipPull, platform, onProgress: progress, ...pullBound(options) });
  return { name: fn.code.imageUri, info };
}

const pullBound = (options: DockerRunnerOptions) =>
  options.pullInactivityTimeoutMs !== undefined ? { pullInactivityTimeoutMs: options.pullInactivityTimeoutMs } : {};

async function prepare(docker: DockerClient, fn: FunctionSpec, options: DockerRunnerOptions): Promise<Prepared> {
  const logger = options.logger;
  const progress: ProgressSink = options.onProgress ?? ((line) => logger.info({ fn: fn.functionName }, line));
  const planned = planNetwork(options);
  // AWS's host name for the environment itself, where Telemetry API listeners bind (telemetry-api.html); the container's loopback.
  const network = { ...planned, extraHosts: [...planned.extraHosts, `${SANDBOX_HOST}:127.0.0.1`] };
  const sandbox = options.sandbox ?? true;
  const platform = dockerPlatform(fn.architecture);
  const env = lambdaEnvironment(fn, TASK_ROOT, RUNTIME_DIR, {
    region: options.region,
    ...(options.hostEnv !== undefined ? { hostEnv: options.hostEnv } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  // The host's PATH means nothing inside the image; the image's own PATH applies unless the template sets one.
  if (!('PATH' in fn.environment)) delete env.PATH;
  const base = {
    functionName: fn.functionName,
    platform,
    labels: containerLabels(fn.functionName, options.instance ?? EMULATOR_INSTANCE),
    ...(options.memoryLimit === false ? {} : { memoryMb: fn.memorySizeMb }),
    tmpMb: fn.ephemeralStorageMb,
    sandbox,
    user: SANDBOX_USER,
    network,
  };

  // An Image function is refused at once (the debugger's set-up needs a known runtime).
  if (options.debug && fn.packageType === 'Image') debugContainer(fn, env, options.debug, network.networkMode);
  if (fn.packageType === 'Image') {
    const { name, info } = await imageOfImageFunction(docker, fn, options, progress, network.networkMode);
    const own = imageEnv(info);
    for (const key of IMAGE_OWNED) if (key in own && !(key in fn.environment)) delete env[key];
    const config = fn.imageConfig ?? {};
    // Docker drops the image's CMD when the entrypoint is overridden; Lambda keeps it unless Command is set too.
    const cmd = config.command ?? (config.entryPoint ? (info.Config?.Cmd ?? undefined) : undefined);
    // Extensions built into the image (its /opt/extensions) start before the runtime, as Lambda starts them.
    const extensions = await imageExtensions(docker, name, base.labels, platform);
    const command = extensions.length ? (config.command ?? info.Config?.Cmd ?? []) : cmd;
    // With extensions the gate goes in front of the entrypoint; an image without one (its CMD starts the runtime)
    // gets the gate alone, then the CMD.
    const launch = extensions.length
      ? gated(extensions, config.entryPoint ?? asList(info.Config?.Entrypoint) ?? [])
      : config.entryPoint ? { entrypoint: config.entryPoint } : {};
    if (extensions.length) logger.debug({ fn: fn.functionName, extensions }, 'image has external extensions');
    return {
      image: info,
      imageName: name,
      spec: {
        ...base,
        image: name,
        env,
        mounts: [],
        ...(command ? { cmd: command } : {}),
        ...launch,
        ...(config.workingDirectory ? { workingDir: config.workingDirectory } : {}),
      },
      dispose: () => {},
    };
  }

  const entry = fn.runtime ? RUNTIME_IMAGES[fn.runtime] : undefined;
  const name = options.invokeImage ?? baseImageFor(fn.logicalId, fn.runtime, fn.architecture);
  if (entry?.deprecated) logger.warn({ fn: fn.functionName, runtime: fn.runtime }, 'runtime is deprecated in Lambda');
  const code = codeMount(fn);
  const layers = prepareLayers(fn, logger);
  let debug: ContainerDebug | undefined;
  const dispose = () => {
    code.dispose();
    layers.dispose();
    debug?.dispose();
  };
  try {
    if (options.debug) debug = debugContainer(fn, env, options.debug, network.networkMode);
    checkCode(code.dir, fn, sandbox, logger);
    const info = await ensureImage(docker, name, { skipPull: options.skipPull, platform, onProgress: progress, ...pullBound(options), offlineHint: offlineHint(fn.runtime, name) });
    // The layers' extensions/ executables, mounted at /opt/extensions, start before the runtime.
    const extensions = findExtensions(fn.layers.flatMap((l) => (l.kind === 'local' ? [l.contentDir] : []))).map((e) => e.name);
    return {
      image: info,
      imageName: name,
      spec: {
        ...base,
        image: name,
        env,
        mounts: [{ source: code.dir, target: TASK_ROOT }, ...(layers.source ? [{ source: layers.source, target: '/opt' }] : []), ...(debug?.mounts ?? [])],
        // The base image's /lambda-entrypoint.sh takes the handler as its only argument (rie.md §8).
        cmd: [fn.handler ?? ''],
        ...(extensions.length ? gated(extensions, asList(info.Config?.Entrypoint) ?? ['/lambda-entrypoint.sh']) : {}),
      },
      dispose,
    };
  } catch (err) {
    dispose();
    throw err;
  }
}

/**
 * Prepares a function for Docker and returns its Launch. Checks the daemon (EMU_DOCKER_UNAVAILABLE), pulls the base
 * image or builds/pulls the function's image (EMU_DOCKER_PULL_FAILED, EMU_DOCKER_IMAGE_NOT_FOUND,
 * EMU_DOCKER_BUILD_FAILED), so that faults show at startup and no invocation's Init Duration includes a pull.
 * Each call of the Launch starts one container with `AWS_LAMBDA_RUNTIME_API` pointing at the environment's listener.
 */
export async function dockerLaunch(fn: FunctionSpec, options: DockerRunnerOptions): Promise<DockerLaunch> {
  const docker = options.docker ?? createDockerClient();
  await assertDockerReachable(docker);
  const prepared = await prepare(docker, fn, options);
  const arch = lambdaArchitecture(prepared.image.Architecture ?? '');
  if (arch && arch !== fn.architecture) {
    options.logger.warn({ fn: fn.functionName, image: prepared.imageName, imageArchitecture: arch, functionArchitecture: fn.architecture }, 'image architecture differs from the function\'s Architectures');
  }
  const running = new Set<ContainerProcess>();
  let closed = false;

  const launch = (async (ctx) => {
    if (closed) throw emuError('EMU_ENV_LAUNCH_FAILED', `the Docker runner of function ${fn.functionName} is closed`);
    const spec: ContainerSpec = {
      ...prepared.spec,
      env: { ...prepared.spec.env, AWS_LAMBDA_RUNTIME_API: containerRuntimeApi(prepared.spec.network, ctx.runtimeApi) },
    };
    const proc = await startContainer(docker, spec, ctx.onOutput);
    if (proc.gate) {
      // The runtime starts once every extension has registered (or one has exited), as rapid starts it.
      await registeredOrExited(ctx, proc.gate.extensions);
      proc.gate.open();
    }
    if (closed) {
      // close() ran while this container was starting: it must not outlive the runner.
      await proc.kill();
      throw emuError('EMU_ENV_LAUNCH_FAILED', `the Docker runner of function ${fn.functionName} is closed`);
    }
    running.add(proc);
    // With extensions the container outlives the runtime (for their SHUTDOWN): it is tracked until it is gone.
    void proc.removed.then(() => running.delete(proc));
    options.logger.debug({ fn: fn.functionName, container: proc.id.slice(0, 12), image: prepared.imageName }, 'container started');
    return proc;
  }) as Launch as DockerLaunch;

  Object.defineProperty(launch, 'image', { value: prepared.imageName, enumerable: true });
  launch.close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all([...running].map((proc) => proc.kill()));
    prepared.dispose();
  };
  return launch;
}
