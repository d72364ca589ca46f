// External extensions in a container: found in the layers or the image's /opt/extensions, started with `docker exec` before the runtime, which a gate holds back until they have registered.
//
// The AWS base images start the runtime directly when AWS_LAMBDA_RUNTIME_API is set (/lambda-entrypoint.sh);
// in Lambda it is the platform (rapid) that starts /opt/extensions/* first, waits for them to register and
// only then starts the runtime. The emulator plays rapid here: the container's command waits on stdin, the
// extensions are exec'd into the container, and a line on stdin lets the image's own entrypoint run, as the
// gate's child: the gate reports the runtime's end and holds the container for the extensions' SHUTDOWN.
import { randomUUID } from 'node:crypto';
import type { Container } from 'dockerode';
import { deferred } from '../../core/async.js';
import type { ExitInfo } from '../../core/environment.js';
import type { DockerClient } from './client.js';
import { removeContainer } from './labels.js';

/** Where Lambda looks for external extensions (from the layers, or built into an image). */
export const EXTENSIONS_DIR = '/opt/extensions';

/** Where the gate writes the runtime's pid (the container's /tmp, as Lambda's is writable). */
const RUNTIME_PID_FILE = '/tmp/.emulate-runtime-pid';

/** Run in the container (shell builtins only): kills the gated runtime, leaving the extensions and the container up. */
export const KILL_RUNTIME_COMMAND = ['/bin/sh', '-c', `read -r p <${RUNTIME_PID_FILE} && kill -KILL "$p"`];

/**
 * Holds the runtime back until a line arrives on stdin, then runs the image's entrypoint and command as its child.
 * When the runtime ends, the gate writes `<mark> <status>` (sh's `$?`: the code, or 128+N for signal N, as an init
 * reports it) to stdout and stderr, and keeps the container, and so the extensions, alive until stdin closes or the
 * emulator kills it: in Lambda a crashed runtime's extensions still get SHUTDOWN, reason FAILURE ("error condition"),
 * within the 2,000 ms Shutdown phase of a function with external extensions (docs: runtimes-extensions-api.html, "Shutdown phase"). A foreground child, not `&`: a background job of a
 * non-interactive shell would start with SIGINT and SIGQUIT ignored. The runtime gets the container's stdout and
 * stderr as it would from `exec`.
 */
const GATE_SCRIPT = [
  'm=$1; shift; read -r _ || true',
  // The shell's own stderr is /dev/null while it waits, or it would add "Killed" to the output of a runtime killed
  // by a signal (bash and dash both print it); the runtime (a subshell that execs it) gets the real one.
  // The runtime's pid goes to RUNTIME_PID_FILE (read by the subshell itself from /proc/self) so that a reset can kill it alone.
  `exec 3>&2 2>/dev/null; ( exec 2>&3 3>&-; read -r p _ </proc/self/stat && echo "$p" >${RUNTIME_PID_FILE} 2>/dev/null; exec "$@" ) </dev/null; s=$?; exec 2>&3 3>&-`,
  'printf \'%s %s\\n\' "$m" "$s"; printf \'%s %s\\n\' "$m" "$s" >&2',
  'read -r _ || true; exit "$s"',
].join('; ');

/** The container's entrypoint with the gate in front of the image's own; `mark` tags the gate's exit line (gateExitMark). */
export function gatedEntrypoint(entrypoint: readonly string[], mark: string): string[] {
  return ['/bin/sh', '-c', GATE_SCRIPT, 'emulate-extensions-gate', mark, ...entrypoint];
}

/** A mark for the gate's exit line that no function prints by chance. */
export function gateExitMark(): string {
  return `emulate-runtime-exited-${randomUUID()}`;
}

/**
 * Takes the gate's `<mark> <status>` line out of one output stream (stdout or stderr) and passes the rest on;
 * `status` resolves with the runtime's exit status once the line has come. Everything the runtime wrote to the
 * stream came before it, so once both streams have shown it the runtime's output is complete.
 */
export function exitMarkFilter(mark: string, forward: (chunk: Buffer) => void): { write(chunk: Buffer): void; status: Promise<number | null> } {
  const needle = Buffer.from(`${mark} `);
  const exit = deferred<number | null>();
  return {
    status: exit.promise,
    write(chunk) {
      const at = exit.settled ? -1 : chunk.indexOf(needle);
      if (at < 0) return forward(chunk);
      const eol = chunk.indexOf(0x0a, at);
      const end = eol < 0 ? chunk.length : eol + 1;
      const code = Number.parseInt(chunk.toString('latin1', at + needle.length, end), 10);
      exit.resolve(Number.isFinite(code) ? code : null);
      if (at > 0) forward(chunk.subarray(0, at));
      if (end < chunk.length) forward(chunk.subarray(end));
    },
  };
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

/** Sends the line that lets the gated runtime start; stdin stays open, as the gate holds the container until it closes. */
export function openGate(stdin: NodeJS.WritableStream): void {
  stdin.write('\n');
}
