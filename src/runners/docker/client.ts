// The Docker client: creating it from the environment (DOCKER_HOST), asking whether a daemon answers, and saying why not in one line.
import Docker from 'dockerode';
import { emuError } from '../../core/errors.js';

/** The dockerode client every Docker function takes, so tests and library users can pass their own. */
export type DockerClient = Docker;

export interface DockerClientOptions {
  /** A Unix socket path (default: DOCKER_HOST, else /var/run/docker.sock). */
  socketPath?: string;
  /** `tcp://host:port` or `unix:///path`, as DOCKER_HOST takes. */
  host?: string;
}

/** How long a ping may take before the daemon counts as unreachable. */
const PING_TIMEOUT_MS = 3000;

/** A dockerode client for the daemon named by the options, else by DOCKER_HOST, else the default socket. */
export function createDockerClient(options: DockerClientOptions = {}): DockerClient {
  if (options.socketPath) return new Docker({ socketPath: options.socketPath });
  if (options.host) {
    const url = new URL(options.host);
    if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
    return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' });
  }
  // Without options dockerode reads DOCKER_HOST (and DOCKER_TLS_VERIFY / DOCKER_CERT_PATH) itself.
  return new Docker();
}

/** Where the client talks to, for messages (`unix:///var/run/docker.sock`, `http://host:2375`). */
export function daemonAddress(docker: DockerClient): string {
  const modem = docker.modem as { socketPath?: string | (() => Promise<string>); host?: string; port?: number; protocol?: string };
  // docker-modem 5 resolves its default socket lazily (~/.docker/run/docker.sock if present, else /var/run/docker.sock).
  if (typeof modem.socketPath === 'function') return 'unix:///var/run/docker.sock (or ~/.docker/run/docker.sock)';
  if (modem.socketPath) return `unix://${modem.socketPath}`;
  return `${modem.protocol ?? 'http'}://${modem.host ?? 'localhost'}:${modem.port ?? 2375}`;
}

const REASONS: Record<string, string> = {
  ENOENT: 'no Docker socket there',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied (is your user in the docker group?)',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
};

/** A short reason for a failed daemon call, without dockerode's stack or request dump. */
export function describeDockerError(err: unknown): string {
  const e = err as { code?: string; name?: string; statusCode?: number; json?: { message?: string }; message?: string; reason?: string };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'no answer in time';
  if (e?.code && REASONS[e.code]) return REASONS[e.code]!;
  if (e?.json?.message) return e.json.message;
  // docker-modem prefixes its messages: "(HTTP code 404) no such container - No such image: x ".
  const message = String(e?.message ?? err);
  const stripped = /^\(HTTP code \d+\) [^-]+- (.*)$/s.exec(message)?.[1] ?? message;
  return stripped.trim().split('\n')[0]!;
}

/** Pings the daemon; resolves once it answers, throws EMU_DOCKER_UNAVAILABLE when it does not within the bound. */
export async function assertDockerReachable(docker: DockerClient, timeoutMs = PING_TIMEOUT_MS): Promise<void> {
  try {
    // dockerode's ping takes an abortSignal, which its type declarations do not list.
    await (docker.ping as (opts: { abortSignal: AbortSignal }) => Promise<unknown>)({ abortSignal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw emuError('EMU_DOCKER_UNAVAILABLE', daemonAddress(docker), describeDockerError(err));
  }
}

/** True when a Docker daemon answers a ping (for tests and `--runner auto`). */
export async function isDockerAvailable(docker: DockerClient = createDockerClient(), timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
  try {
    await assertDockerReachable(docker, timeoutMs);
    return true;
  } catch {
    return false;
  }
}
