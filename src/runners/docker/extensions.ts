// External extensions in a container: found in the layers or the image's /opt/extensions, started with `docker exec` before the runtime, which a gate holds back until they have registered.
//
// The AWS base images start the runtime directly when AWS_LAMBDA_RUNTIME_API is set (/lambda-entrypoint.sh);
// in Lambda it is the platform (rapid) that starts /opt/extensions/* first, waits for them to register and
// only then starts the runtime. The emulator plays rapid here: the container's command waits on stdin, the
// extensions are exec'd into the container, and a line on stdin lets the image's own entrypoint run.
import type { Container } from 'dockerode';
import type { ExitInfo } from '../../core/environment.js';
import type { DockerClient } from './client.js';
import { removeContainer } from './labels.js';

/** Where Lambda looks for external extensions (from the layers, or built into an image). */
export const EXTENSIONS_DIR = '/opt/extensions';

/** Holds the runtime back until a line arrives on stdin, then runs the image's entrypoint and command. */
const GATE_SCRIPT = 'read -r _ || true; exec "$@" </dev/null';

/** The container's entrypoint with the gate in front of the image's own. */
export function gatedEntrypoint(entrypoint: readonly string[]): string[] {
  return ['/bin/sh', '-c', GATE_SCRIPT, 'emulate-extensions-gate', ...entrypoint];
}

/** One extension started in a container. */
export interface ExtensionExec {
  name: string;
  proc: { exited: Promise<ExitInfo> };
}

/**
 * Names of the executables in an image's /opt/extensions, read from a created (never started) container's
 * filesystem as a tar archive; none when the folder does not exist.
 */
export async function imageExtensions(docker: DockerClient, image: string, labels: Record<string, string>, platform?: string): Promise<string[]> {
  let container: Container | undefined;
  try {
    container = await docker.createContainer({ _query: platform ? { platform } : {}, _body: { Image: image, Entrypoint: ['/bin/sh'], Labels: labels } } as never);
    let archive: NodeJS.ReadableStream;
    try {
      archive = await container.getArchive({ path: EXTENSIONS_DIR });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return [];
      throw err;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of archive) chunks.push(chunk as Buffer);
    return executablesInTar(Buffer.concat(chunks));
  } finally {
    if (container) await removeContainer(docker, container.id).catch(() => {});
  }
}

/** Files (or symlinks) with an execute bit directly under the archive's top folder, in name order (ustar headers). */
export function executablesInTar(tar: Buffer): string[] {
  const names: string[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, to: number) => header.toString('utf8', from, to).replace(/\0.*$/s, '');
    const prefix = field(345, 500);
    const name = (prefix ? `${prefix}/` : '') + field(0, 100);
    const mode = parseInt(field(100, 108).trim() || '0', 8);
    const size = parseInt(field(124, 136).trim() || '0', 8);
    const type = field(156, 157) || '0';
    const parts = name.replace(/\/$/, '').split('/');
    if ((type === '0' || type === '2') && parts.length === 2 && (mode & 0o111) !== 0) names.push(parts[1]!);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return names.sort((a, b) => a.localeCompare(b));
}

/** Starts one extension in the running container as the runtime's user; its output goes to `onOutput` under its name. */
export async function execExtension(
  docker: DockerClient,
  container: Container,
  name: string,
  user: string | undefined,
  onOutput: (chunk: Buffer, extension: string) => void,
): Promise<ExtensionExec> {
  const exec = await container.exec({ Cmd: [`${EXTENSIONS_DIR}/${name}`], AttachStdout: true, AttachStderr: true, ...(user ? { User: user } : {}) });
  const stream = await exec.start({ hijack: true, stdin: false });
  const sink = { write: (chunk: Buffer) => (onOutput(chunk, name), true) } as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, sink, sink);
  const exited = new Promise<ExitInfo>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      exec.inspect().then(
        (info) => resolve(execExit(info.ExitCode ?? null)),
        // The container is gone (killed and removed): the extension went with it.
        () => resolve({ code: null, signal: 'SIGKILL', description: 'signal: killed' }),
      );
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
  });
  return { name, proc: { exited } };
}

/** Go's wording of an exec'd extension's end (126/127: the executable could not be run). */
function execExit(code: number | null): ExitInfo {
  if (code === null) return { code: null, signal: null, description: 'exit status unknown' };
  return { code, signal: null, description: `exit status ${code}` };
}

/** Sends the line that lets the gated runtime start, and closes the container's stdin. */
export function openGate(stdin: NodeJS.WritableStream): void {
  stdin.write('\n');
  stdin.end();
}
