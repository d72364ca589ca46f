// Listening helpers shared by every server the emulator owns: one way to bind, one wording for failures.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { emuError } from './errors.js';

const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'address not available on this machine',
};

/** Binds `server` and resolves with the port; a failure is an EMU_LISTEN_FAILED naming the address. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(emuError('EMU_LISTEN_FAILED', formatHostPort(host, port), REASONS[err.code ?? ''] ?? err.message)),
    );
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** `host:port`, with IPv6 literals in brackets. */
export function formatHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Closes a server and every connection it holds; resolves when it is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Calls `onClose` when `socket` closes, with one listener per socket however often it is asked: `watched` remembers
 * the sockets already watched (a kept-alive connection carries many held requests, each one's 'close' is its socket's).
 */
export function watchCloseOnce(watched: WeakSet<Socket>, socket: Socket, onClose: () => void): void {
  if (watched.has(socket)) return;
  watched.add(socket);
  socket.once('close', onClose);
}

/**
 * Reads a request body to its end, counting every byte but keeping at most `limit`: an oversized body
 * is drained (so the client hears the answer) and comes back without `body`, with its full size.
 */
export function readCapped(req: IncomingMessage, limit: number): Promise<{ body?: Buffer; size: number }> {
  // 'data'/'end' listeners rather than `for await`: the async iterator costs a stream wrapper and promises per
  // request, measurable on the invoke path (bench/rie.mjs, BENCHMARKS.md issue 22). Failures reject as before.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    };
    const onEnd = () => {
      ended = true;
      cleanup();
      resolve(size > limit ? { size } : { body: Buffer.concat(chunks, size), size });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      if (ended) return;
      cleanup();
      reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    if (req.readableEnded) return resolve({ body: Buffer.alloc(0), size: 0 });
    if (req.destroyed) return onClose();
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
}

/**
 * Resolves once `host:port` accepts a TCP connection (closed at once), or when `until` settles first:
 * a port opened by another process (a debugged runtime's inspector) has no readiness signal of its own.
 */
export async function waitForPort(host: string, port: number, until: Promise<unknown>): Promise<void> {
  let over = false;
  void until.then(() => (over = true), () => (over = true));
  for (let delayMs = 5; !over; delayMs = Math.min(delayMs * 2, 100)) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, delayMs));
  }
}

/** True when nothing listens on `host:port` yet (bound and released at once). */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** Writes a chunk of a streamed response; when the socket's buffer is full, waits until it drains or the client goes away. */
export async function writeOrWait(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (res.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
