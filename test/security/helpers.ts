// Test helpers of the security and soak checks: listening sockets and resident memory of a process tree read from /proc, and the CLI in a private network namespace.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CLI, ROOT } from '../helpers/cli.js';

export const SECURITY_FIXTURE = fileURLToPath(new URL('./fixture/template.yaml', import.meta.url));

/** /proc is Linux's; elsewhere the socket and memory checks are skipped. */
export const procAvailable = process.platform === 'linux' && (() => {
  try {
    readFileSync('/proc/self/net/tcp', 'utf8');
    return true;
  } catch {
    return false;
  }
})();

/** One TCP socket in LISTEN state. */
export interface Listener {
  address: string;
  port: number;
}

const LISTEN_STATE = '0A';

/** `0100007F` (/proc's little-endian words) → `127.0.0.1`; 32 hex digits → an IPv6 address. */
function decodeAddress(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length / 8; word++) {
    const w = hex.slice(word * 8, word * 8 + 8);
    for (let i = 3; i >= 0; i--) bytes.push(parseInt(w.slice(i * 2, i * 2 + 2), 16));
  }
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** Socket inodes a process holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** Every LISTEN socket in the network namespace of `pid`, by inode. */
function listenTable(pid: number): Map<string, Listener> {
  const table = new Map<string, Listener>();
  for (const file of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== LISTEN_STATE) continue;
      const [addr, port] = f[1]!.split(':') as [string, string];
      table.set(f[9]!, { address: decodeAddress(addr), port: parseInt(port, 16) });
    }
  }
  return table;
}

/** The LISTEN sockets `pid` holds (in its own network namespace), sorted by port. */
export function listenersOf(pid: number): Listener[] {
  const table = listenTable(pid);
  return [...socketInodes(pid)].flatMap((inode) => (table.has(inode) ? [table.get(inode)!] : [])).sort((a, b) => a.port - b.port);
}

/** Every process below `pid` (children, grandchildren, ...), from /proc/<pid>/stat. */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Resident set size now and at its peak (VmHWM), in kB, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rssKb: number; peakKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
}

export const mb = (kb: number) => (kb / 1024).toFixed(1);

let netns: boolean | undefined;

/**
 * Whether the CLI can run in a private network namespace (root, `unshare`, `nsenter`, `ip`): there a
 * 0.0.0.0 listener is reachable from nowhere but the namespace's own loopback, so defaults such as
 * RIE's 0.0.0.0:8080 can be bound as they are without exposing anything or clashing on ports.
 */
export function netnsAvailable(): boolean {
  netns ??= procAvailable && spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && nsenter --version >/dev/null'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return netns;
}

export interface IsolatedCli {
  child: ChildProcess;
  /** The emulator's pid (unshare and sh exec into it). */
  pid: number;
  stderr(): string;
  /** Runs `fetch(url, init)` inside the namespace; resolves with status and body. */
  fetch(url: string, init?: { method?: string; body?: string }): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/** Starts `emulate ARGS` alone in a new network namespace (loopback up) and waits for `Listening on`. */
export function startIsolatedCli(args: string[], env: Record<string, string> = {}): Promise<IsolatedCli> {
  const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      if (/Listening on /.test(err)) {
        resolve({
          child,
          pid: child.pid!,
          stderr: () => err,
          fetch: (url, init = {}) => fetchInNamespace(child.pid!, url, init),
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then(() => reject(new Error(`emulate exited before listening:\n${err}`)));
  });
}

function fetchInNamespace(pid: number, url: string, init: { method?: string; body?: string }): Promise<{ status: number; body: string }> {
  const script = `fetch(${JSON.stringify(url)}, ${JSON.stringify(init)}).then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))`;
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { status: number; body: string }) : reject(new Error(`fetch in namespace failed: ${err}`))));
  });
}

/** What a raw HTTP exchange gave: the status line's code, the body, and how much of the request got written before the answer. */
export interface RawExchange {
  status: number;
  headers: string;
  body: string;
  /** Request bytes handed to the socket before the answer arrived or the socket closed. */
  sentBytes: number;
}

/**
 * Sends one HTTP/1.1 request on a raw socket: `head` as given, then `bodyBytes` of filler (chunked or
 * not), stopping as soon as an answer arrives; resolves once the answer is complete or the socket closes.
 * A server that refuses early may reset the connection: that is expected, not an error.
 */
export function rawExchange(url: string, head: string, bodyBytes = 0, options: { chunked?: boolean; waitForContinue?: boolean } = {}): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  let sent = 0;
  let answer = Buffer.alloc(0);
  let answered = false;
  let pumping = false;
  return new Promise((resolve) => {
    const finish = () => {
      const text = answer.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const headers = end === -1 ? text : text.slice(0, end);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), headers, body: end === -1 ? '' : text.slice(end + 4), sentBytes: sent });
      socket.destroy();
    };
    const complete = () => {
      const text = answer.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return false;
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
      return length !== null && answer.length - end - 4 >= Number(length[1]);
    };
    const pump = () => {
      pumping = true;
      while (!answered && sent < bodyBytes && !socket.destroyed) {
        const n = Math.min(chunk.length, bodyBytes - sent);
        const piece = options.chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), chunk.subarray(0, n), Buffer.from('\r\n')]) : chunk.subarray(0, n);
        sent += n;
        if (!socket.write(piece)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (!answered && sent >= bodyBytes && options.chunked && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    socket.on('data', (d: Buffer) => {
      answer = Buffer.concat([answer, d]);
      // `100 Continue` is an interim answer: the body goes now.
      if (options.waitForContinue && !pumping && /^HTTP\/1\.1 100 /.test(answer.toString('latin1'))) {
        answer = Buffer.alloc(0);
        pump();
        return;
      }
      answered = true;
      if (complete()) finish();
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.write(head);
    if (!options.waitForContinue) pump();
  });
}
