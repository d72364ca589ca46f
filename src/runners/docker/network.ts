// How a container reaches its environment's Runtime API: host networking on Linux, host.docker.internal elsewhere, like SAM's flags.
import { emuError } from '../../core/errors.js';
import { describeDockerError, type DockerClient } from './client.js';

export interface DockerNetworkOptions {
  /** `--docker-network`: `host` (default on Linux), `bridge` (default elsewhere) or a user network's name. */
  dockerNetwork?: string;
  /** `--container-host`: the name containers dial for the Runtime API (default 127.0.0.1 on the host network, else host.docker.internal). */
  containerHost?: string;
  /** The host OS (default process.platform); only Linux shares its loopback with host-network containers. */
  platform?: NodeJS.Platform;
}

export interface NetworkPlan {
  /** Docker's `HostConfig.NetworkMode`. */
  networkMode: string;
  /** True when containers share the host's network stack. */
  hostNetwork: boolean;
  /** `HostConfig.ExtraHosts`. */
  extraHosts: string[];
  /** The host name put into `AWS_LAMBDA_RUNTIME_API`, or undefined to keep the listener's own address. */
  containerHost: string | undefined;
}

/** Docker's name for the host as seen from a container; `host-gateway` makes it work on Linux engines too. */
export const DOCKER_HOST_NAME = 'host.docker.internal';

/** Decides network mode, extra hosts and the address containers dial; pure, so every platform's plan is testable anywhere. */
export function planNetwork(options: DockerNetworkOptions = {}): NetworkPlan {
  const linux = (options.platform ?? process.platform) === 'linux';
  const networkMode = options.dockerNetwork ?? (linux ? 'host' : 'bridge');
  if (networkMode === 'host') {
    return { networkMode, hostNetwork: true, extraHosts: [], containerHost: options.containerHost };
  }
  return {
    networkMode,
    hostNetwork: false,
    extraHosts: [`${DOCKER_HOST_NAME}:host-gateway`],
    containerHost: options.containerHost ?? DOCKER_HOST_NAME,
  };
}

/** The `AWS_LAMBDA_RUNTIME_API` value a container gets: the listener's `host:port`, with the host rewritten when the plan says so. */
export function containerRuntimeApi(plan: NetworkPlan, runtimeApi: string): string {
  if (!plan.containerHost) return runtimeApi;
  const port = runtimeApi.slice(runtimeApi.lastIndexOf(':') + 1);
  return `${plan.containerHost}:${port}`;
}

/**
 * The address each environment's Runtime API listener must bind so its containers can reach it, and no wider:
 * 127.0.0.1 with host networking (Linux) and on Docker Desktop (which forwards host.docker.internal to the host's
 * loopback); on a Linux bridge or user network, that network's gateway address, which is where host-gateway points.
 */
export async function runtimeApiBindAddress(docker: DockerClient, options: DockerNetworkOptions = {}): Promise<string> {
  const plan = planNetwork(options);
  const linux = (options.platform ?? process.platform) === 'linux';
  if (plan.hostNetwork || !linux) return '127.0.0.1';
  let gateway: string | undefined;
  try {
    const info = (await docker.getNetwork(plan.networkMode).inspect()) as { IPAM?: { Config?: Array<{ Gateway?: string }> } };
    gateway = info.IPAM?.Config?.map((c) => c.Gateway).find((g): g is string => !!g && !g.includes(':'));
  } catch (err) {
    throw emuError('EMU_DOCKER_NETWORK', plan.networkMode, describeDockerError(err));
  }
  if (!gateway) {
    throw emuError('EMU_DOCKER_NETWORK', plan.networkMode, 'no IPv4 gateway for containers to reach the emulator; use --docker-network host');
  }
  return gateway;
}
