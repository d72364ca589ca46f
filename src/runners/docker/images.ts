// Which AWS base image a Zip function runs on: one table of Lambda's runtimes, their image tags and architectures.
import { emuError } from '../../core/errors.js';
import type { Architecture } from '../../core/model.js';

/** Where AWS publishes the Lambda base images. */
export const BASE_IMAGE_REPOSITORY = 'public.ecr.aws/lambda';

export interface RuntimeImage {
  /** `<name>:<version>` under BASE_IMAGE_REPOSITORY, without the architecture suffix (`nodejs:20`). */
  image: string;
  /** Architectures AWS publishes the image for. */
  architectures: readonly Architecture[];
  /** Lambda no longer lets functions be created with it; existing functions still run. */
  deprecated?: boolean;
}

const BOTH: readonly Architecture[] = ['x86_64', 'arm64'];
const X86_ONLY: readonly Architecture[] = ['x86_64'];

/**
 * Every runtime Lambda runs today, supported or deprecated-but-invocable, with its base image.
 * Tags follow SAM's rule (`Runtime.get_image_name_tag`): `nameN.M` → `name:N.M`, `.x` dropped, `provided.al2` →
 * `provided:al2`, `dotnet8` → `dotnet:8`, and the plain `provided` runtime is `provided:alami`.
 */
export const RUNTIME_IMAGES: Readonly<Record<string, RuntimeImage>> = {
  'nodejs24.x': { image: 'nodejs:24', architectures: BOTH },
  'nodejs22.x': { image: 'nodejs:22', architectures: BOTH },
  'nodejs20.x': { image: 'nodejs:20', architectures: BOTH },
  'nodejs18.x': { image: 'nodejs:18', architectures: BOTH, deprecated: true },
  'nodejs16.x': { image: 'nodejs:16', architectures: BOTH, deprecated: true },
  'python3.14': { image: 'python:3.14', architectures: BOTH },
  'python3.13': { image: 'python:3.13', architectures: BOTH },
  'python3.12': { image: 'python:3.12', architectures: BOTH },
  'python3.11': { image: 'python:3.11', architectures: BOTH },
  'python3.10': { image: 'python:3.10', architectures: BOTH },
  'python3.9': { image: 'python:3.9', architectures: BOTH, deprecated: true },
  'python3.8': { image: 'python:3.8', architectures: BOTH, deprecated: true },
  java25: { image: 'java:25', architectures: BOTH },
  java21: { image: 'java:21', architectures: BOTH },
  java17: { image: 'java:17', architectures: BOTH },
  java11: { image: 'java:11', architectures: BOTH },
  // The AL2023 builds of older Java versions (2025); tags by SAM's rule, not yet seen in the gallery.
  'java17.al2023': { image: 'java:17.al2023', architectures: BOTH },
  'java11.al2023': { image: 'java:11.al2023', architectures: BOTH },
  'java8.al2023': { image: 'java:8.al2023', architectures: BOTH },
  'java8.al2': { image: 'java:8.al2', architectures: BOTH },
  java8: { image: 'java:8', architectures: X86_ONLY, deprecated: true },
  dotnet10: { image: 'dotnet:10', architectures: BOTH },
  dotnet8: { image: 'dotnet:8', architectures: BOTH },
  dotnet6: { image: 'dotnet:6', architectures: BOTH, deprecated: true },
  'ruby3.4': { image: 'ruby:3.4', architectures: BOTH },
  'ruby3.3': { image: 'ruby:3.3', architectures: BOTH },
  'ruby3.2': { image: 'ruby:3.2', architectures: BOTH, deprecated: true },
  'provided.al2023': { image: 'provided:al2023', architectures: BOTH },
  'provided.al2': { image: 'provided:al2', architectures: BOTH },
  provided: { image: 'provided:alami', architectures: X86_ONLY, deprecated: true },
  'go1.x': { image: 'go:1', architectures: X86_ONLY, deprecated: true },
};

/** Docker's platform string for a Lambda architecture. */
export function dockerPlatform(architecture: Architecture): 'linux/amd64' | 'linux/arm64' {
  return architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64';
}

/** Lambda's architecture for Docker's (or Node's) CPU name, undefined for anything else. */
export function lambdaArchitecture(cpu: string): Architecture | undefined {
  if (cpu === 'amd64' || cpu === 'x64' || cpu === 'x86_64') return 'x86_64';
  if (cpu === 'arm64' || cpu === 'aarch64') return 'arm64';
  return undefined;
}

/**
 * The base image of a Zip function: `public.ecr.aws/lambda/nodejs:20-x86_64`. Like SAM, the tag carries the
 * architecture when AWS publishes the runtime for both, so images of both architectures can sit side by side.
 * Throws EMU_RUNNER_UNSUPPORTED for an unknown runtime or an architecture the runtime lacks.
 */
export function baseImageFor(functionName: string, runtime: string | undefined, architecture: Architecture): string {
  const entry = runtime ? RUNTIME_IMAGES[runtime] : undefined;
  if (!entry) {
    throw emuError('EMU_RUNNER_UNSUPPORTED', functionName, `runtime "${runtime ?? ''}" has no Lambda base image (known: ${Object.keys(RUNTIME_IMAGES).join(', ')})`);
  }
  if (!entry.architectures.includes(architecture)) {
    throw emuError('EMU_RUNNER_UNSUPPORTED', functionName, `runtime ${runtime} has no ${architecture} image (only ${entry.architectures.join(', ')})`);
  }
  const suffix = entry.architectures.length > 1 ? `-${architecture}` : '';
  return `${BASE_IMAGE_REPOSITORY}/${entry.image}${suffix}`;
}
