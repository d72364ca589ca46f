// Makes sure an image is present locally: uses it when it is, pulls it with readable progress when not, fails in one line naming it.
import type { ImageInspectInfo } from 'dockerode';
import { emuError } from '../../core/errors.js';
import { describeDockerError, type DockerClient } from './client.js';
import { progressError, pullProgressRenderer, type ProgressEvent, type ProgressSink } from './progress.js';

export interface EnsureImageOptions {
  /** Never pull: a missing image is an error (`--skip-pull-image`). */
  skipPull?: boolean;
  /** `linux/amd64` or `linux/arm64`: which variant of a multi-platform image to pull. */
  platform?: string;
  /** Receives pull progress lines. */
  onProgress?: ProgressSink;
  /** A pull that reports nothing for this long is abandoned (an unreachable registry must not hang the emulator). */
  pullInactivityTimeoutMs?: number;
  /** Appended to a pull failure: what would work without a registry (see offlineHint). */
  offlineHint?: string;
}

/**
 * What works when a Zip function's base image cannot be pulled: the host-process runner, a local copy of the image,
 * or the stand-in base images built from the host's own runtimes (README "Offline images").
 */
export function offlineHint(runtime: string | undefined, image: string): string {
  const processRunner = runtime ? `--runner process runs this ${runtime} function if the host has that runtime` : '--runner process runs Zip functions on the host';
  return `without a registry: ${processRunner}; or make "${image}" local (docker load, docker build -t); or build the stand-in base images (node fixtures/docker/stand-in/build.mjs --python, from a checkout of emulate)`;
}

export const DEFAULT_PULL_INACTIVITY_TIMEOUT_MS = 60_000;

/** The image's metadata, or undefined when the daemon does not have it. */
export async function inspectImage(docker: DockerClient, name: string): Promise<ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(name).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

/**
 * Returns the local image's metadata, pulling it first when it is missing. A present image is used as it is (no
 * registry round trip, so the emulator starts offline); `docker pull` refreshes it. Throws EMU_DOCKER_PULL_FAILED
 * naming the image when the pull fails or stalls, EMU_DOCKER_IMAGE_NOT_FOUND when pulling is off.
 */
export async function ensureImage(docker: DockerClient, image: string, options: EnsureImageOptions = {}): Promise<ImageInspectInfo> {
  const present = await inspectImage(docker, image);
  if (present) return present;
  if (options.skipPull) throw emuError('EMU_DOCKER_IMAGE_NOT_FOUND', image);
  await pullImage(docker, image, options);
  const pulled = await inspectImage(docker, image);
  if (!pulled) throw emuError('EMU_DOCKER_PULL_FAILED', image, 'the daemon reported success but does not have the image');
  return pulled;
}

/** Pulls one image, reporting progress; rejects with EMU_DOCKER_PULL_FAILED. */
export async function pullImage(docker: DockerClient, image: string, options: EnsureImageOptions = {}): Promise<void> {
  const inactivityMs = options.pullInactivityTimeoutMs ?? DEFAULT_PULL_INACTIVITY_TIMEOUT_MS;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), inactivityMs);
  };
  const render = pullProgressRenderer(options.onProgress ?? (() => {}));
  const fail = (reason: string) => {
    const why = abort.signal.aborted ? `no progress for ${inactivityMs / 1000} s (is the registry reachable?)` : reason;
    return emuError('EMU_DOCKER_PULL_FAILED', image, options.offlineHint ? `${why}; ${options.offlineHint}` : why);
  };
  touch();
  try {
    options.onProgress?.(`Pulling ${image}${options.platform ? ` (${options.platform})` : ''}`);
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await docker.pull(image, { ...(options.platform ? { platform: options.platform } : {}), abortSignal: abort.signal })) as NodeJS.ReadableStream;
    } catch (err) {
      throw fail(describeDockerError(err));
    }
    await new Promise<void>((resolve, reject) => {
      let inBandError: string | undefined;
      const onAbort = () => {
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        reject(fail('aborted'));
      };
      abort.signal.addEventListener('abort', onAbort, { once: true });
      docker.modem.followProgress(
        stream,
        (err: unknown) => {
          abort.signal.removeEventListener('abort', onAbort);
          if (abort.signal.aborted) return;
          if (err || inBandError) reject(fail(inBandError ?? describeDockerError(err)));
          else resolve();
        },
        (event: ProgressEvent) => {
          touch();
          inBandError ??= progressError(event);
          render(event);
        },
      );
    });
  } finally {
    clearTimeout(timer);
  }
}
