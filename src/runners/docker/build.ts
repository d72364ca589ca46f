// Builds an Image function from its Metadata (Dockerfile, DockerContext, DockerTag, DockerBuildArgs) with the daemon's classic builder.
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { emuError } from '../../core/errors.js';
import type { ImageBuild } from '../../core/model.js';
import { describeDockerError, type DockerClient } from './client.js';
import { buildProgressRenderer, progressError, type ProgressEvent, type ProgressSink } from './progress.js';

export interface BuildImageOptions {
  /** `linux/amd64` or `linux/arm64`. */
  platform?: string;
  /** Network of the build's RUN steps (`host` where there is no default bridge). */
  networkMode?: string;
  /** Receives the builder's output line by line. */
  onProgress?: ProgressSink;
}

/** `sam build`'s tag for an Image function: `<logical id lower-cased>:<DockerTag or latest>`. */
export function builtImageTag(logicalId: string, build: ImageBuild): string {
  return `${logicalId.toLowerCase()}:${build.tag ?? 'latest'}`;
}

/** Every file under the context, as POSIX paths relative to it; dockerode drops what `.dockerignore` excludes. */
function contextFiles(contextDir: string): string[] {
  return readdirSync(contextDir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    // `parentPath` arrived in Node 20.12; earlier 20.x call it `path`.
    .map((entry) => relative(contextDir, join(entry.parentPath ?? (entry as { path?: string }).path ?? contextDir, entry.name)).split(sep).join('/'));
}

/** Builds the image and resolves with its tag; throws EMU_DOCKER_BUILD_FAILED with the builder's own error line. */
export async function buildFunctionImage(
  docker: DockerClient,
  functionName: string,
  logicalId: string,
  build: ImageBuild,
  options: BuildImageOptions = {},
): Promise<string> {
  const tag = builtImageTag(logicalId, build);
  const render = buildProgressRenderer(options.onProgress ?? (() => {}));
  options.onProgress?.(`Building ${tag} from ${join(build.contextDir, build.dockerfile)}`);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(
      { context: build.contextDir, src: contextFiles(build.contextDir) },
      {
        t: tag,
        dockerfile: build.dockerfile,
        buildargs: build.buildArgs,
        ...(build.target ? { target: build.target } : {}),
        ...(options.platform ? { platform: options.platform } : {}),
        ...(options.networkMode ? { networkmode: options.networkMode } : {}),
        rm: true,
        forcerm: true,
        // The classic builder streams plain text; BuildKit (version 2) would need a session.
        version: '1',
      } as Parameters<DockerClient['buildImage']>[1],
    );
  } catch (err) {
    throw emuError('EMU_DOCKER_BUILD_FAILED', functionName, describeDockerError(err));
  }
  await new Promise<void>((resolve, reject) => {
    let inBandError: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: unknown) => {
        if (err || inBandError) reject(emuError('EMU_DOCKER_BUILD_FAILED', functionName, (inBandError ?? describeDockerError(err)).trim()));
        else resolve();
      },
      (event: ProgressEvent) => {
        inBandError ??= progressError(event);
        render(event);
      },
    );
  });
  return tag;
}
