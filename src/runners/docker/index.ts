// The Docker runner's public surface for the composition root: launch, client, images, networking, clean-up.

/** Prepares a function's image and returns the Launch that starts its containers. */
export { dockerLaunch, SANDBOX_USER, TASK_ROOT, RUNTIME_DIR } from './runner.js';
export type { DockerLaunch, DockerRunnerOptions } from './runner.js';
/** The dockerode client: creation from DOCKER_HOST, reachability. */
export { createDockerClient, isDockerAvailable, assertDockerReachable, daemonAddress } from './client.js';
export type { DockerClient, DockerClientOptions } from './client.js';
/** Lambda's runtimes and their AWS base images. */
export { RUNTIME_IMAGES, BASE_IMAGE_REPOSITORY, baseImageFor, dockerPlatform } from './images.js';
export type { RuntimeImage } from './images.js';
/** Where the Runtime API listener must bind, and what containers dial. */
export { planNetwork, runtimeApiBindAddress, containerRuntimeApi, DOCKER_HOST_NAME } from './network.js';
export type { DockerNetworkOptions, NetworkPlan } from './network.js';
/** Container labels and the clean-up of containers a dead emulator left behind. */
export { LABELS, EMULATOR_INSTANCE, removeLeftoverContainers, removeInstanceContainers } from './labels.js';
export type { LeftoverOptions } from './labels.js';
/** Pulling and building images with readable progress. */
export { ensureImage, pullImage, DEFAULT_PULL_INACTIVITY_TIMEOUT_MS } from './pull.js';
export type { EnsureImageOptions } from './pull.js';
export { buildFunctionImage, builtImageTag } from './build.js';
export type { ProgressSink } from './progress.js';
