// One keep-alive HTTP/1.1 connection to the Runtime API that pipelines: requests made in the same tick leave in
// one write (an answer and the next `/next` share a system call and a wake-up of the server), answers come in order.
import { connect, type Socket } from 'node:net';

export interface HttpAnswer {
  status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
}

interface Waiting {
  resolve(answer: HttpAnswer): void;
  reject(error: Error): void;
}

/** The head of the answer being read, and how its body is framed. */
interface Head {
  status: number;
  headers: Record<string, string>;
  framing: 'length' | 'chunked' | 'close';
  length: number;
  close: boolean;
}

const CRLF = '\r\n';
const HEAD_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
/** Generous: the server's heads are small; anything larger is a broken peer. */
const MAX_HEAD_BYTES = 1_048_576;
/** Characters a header value may carry on the wire (no CR, LF or other controls). */
const INVALID_HEADER_CHARS = /[^\t\x20-\x7e\x80-\xff]/g;

export class PipelinedConnection {
  private socket: Socket | undefined;
  private outbox: Buffer[] = [];
  private flushScheduled = false;
  private readonly waiting: Waiting[] = [];
  private input: Buffer = EMPTY;
  private head: Head | undefined;
  private chunks: Buffer[] = [];
  private bodyBytes = 0;
  /** Where a chunked body's parse is, and what is left of the current chunk. */
  private chunkState: 'size' | 'data' | 'data-end' | 'trailers' = 'size';
  private chunkLeft = 0;

  constructor(
    private readonly hostname: string,
    private readonly port: number,
  ) {}

  /** Queues a request; it is written with whatever else is requested in this tick. */
  request(method: string, path: string, headers: Record<string, string | number>, body?: Buffer): Promise<HttpAnswer> {
    const host = this.hostname.includes(':') ? `[${this.hostname}]:${this.port}` : `${this.hostname}:${this.port}`;
    let text = `${method} ${path} HTTP/1.1${CRLF}Host: ${host}${CRLF}Connection: keep-alive${CRLF}`;
    for (const [name, value] of Object.entries(headers)) text += `${name}: ${String(value).replace(INVALID_HEADER_CHARS, '')}${CRLF}`;
    if (body) text += `Content-Length: ${body.length}${CRLF}`;
    text += CRLF;
    // Header bytes as node:http sends them (latin1).
    this.outbox.push(Buffer.from(text, 'latin1'));
    if (body && body.length > 0) this.outbox.push(body);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Resolves once everything requested so far has been handed to the operating system (before an exit). */
  flushed(): Promise<void> {
    this.flush();
    const socket = this.socket;
    if (!socket || socket.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => socket.write(EMPTY, () => resolve()));
  }

  private flush(): void {
    this.flushScheduled = false;
    const parts = this.outbox;
    if (parts.length === 0) return;
    this.outbox = [];
    const socket = this.socket ?? this.open();
    socket.ref();
    socket.cork();
    for (const part of parts) socket.write(part);
    socket.uncork();
  }

  private open(): Socket {
    const socket = connect({ host: this.hostname, port: this.port, noDelay: true });
    this.socket = socket;
    this.input = EMPTY;
    this.head = undefined;
    socket.on('data', (data: Buffer) => this.receive(socket, data));
    socket.on('error', (error) => this.fail(socket, error));
    socket.on('close', () => this.fail(socket, new Error('the Runtime API closed the connection mid-response'), true));
    return socket;
  }

  /** The connection broke: every request still waiting fails, and the next request opens a new one. */
  private fail(socket: Socket, error: Error, ended = false): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    socket.destroy();
    const head = this.head;
    if (head?.framing === 'close' && ended) {
      // A body delimited by the end of the connection is complete now.
      this.complete(head);
    }
    this.abandon(error);
  }

  /** Every request not answered yet fails, sent or not (a request still queued must not reach a new connection without its waiter). */
  private abandon(error: Error): void {
    this.outbox = [];
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  private receive(socket: Socket, data: Buffer): void {
    this.input = this.input.length === 0 ? data : Buffer.concat([this.input, data]);
    try {
      while (this.socket === socket && this.parse()) {
        // each round completes one answer
      }
    } catch (error) {
      this.fail(socket, error as Error);
    }
  }

  /** Reads what it can of the current answer; true when one completed and more input may hold another. */
  private parse(): boolean {
    if (!this.head) {
      const end = this.input.indexOf(HEAD_END);
      if (end === -1) {
        if (this.input.length > MAX_HEAD_BYTES) throw new Error('the Runtime API sent an oversized response head');
        return false;
      }
      const head = parseHead(this.input.subarray(0, end).toString('latin1'));
      this.input = this.input.subarray(end + HEAD_END.length);
      // An interim answer (100 Continue and the like) precedes the real one: skip it.
      if (head.status < 200) return true;
      this.head = head;
      this.chunks = [];
      this.bodyBytes = 0;
      this.chunkState = 'size';
    }
    const head = this.head;
    if (head.framing === 'length') {
      // Body bytes move to `chunks` as they come, so `input` never grows with a large body.
      this.take(head.length - this.bodyBytes);
      if (this.bodyBytes < head.length) return false;
      this.complete(head);
      return true;
    }
    if (head.framing === 'close') {
      this.take(this.input.length);
      return false;
    }
    return this.parseChunked(head);
  }

  /** Moves up to `count` bytes of `input` into the body. */
  private take(count: number): number {
    const n = Math.min(count, this.input.length);
    if (n > 0) {
      this.chunks.push(this.input.subarray(0, n));
      this.bodyBytes += n;
      this.input = this.input.subarray(n);
    }
    return n;
  }

  /** Chunked bodies: size line, data, CRLF, ..., a zero-size chunk, trailers (ignored), an empty line. */
  private parseChunked(head: Head): boolean {
    for (;;) {
      switch (this.chunkState) {
        case 'size': {
          const lineEnd = this.input.indexOf(CRLF);
          if (lineEnd === -1) return false;
          const sizeText = this.input.subarray(0, lineEnd).toString('latin1').split(';')[0]!.trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw new Error('the Runtime API sent a malformed chunk size');
          this.input = this.input.subarray(lineEnd + CRLF.length);
          this.chunkLeft = Number.parseInt(sizeText, 16);
          this.chunkState = this.chunkLeft === 0 ? 'trailers' : 'data';
          break;
        }
        case 'data':
          this.chunkLeft -= this.take(this.chunkLeft);
          if (this.chunkLeft > 0) return false;
          this.chunkState = 'data-end';
          break;
        case 'data-end':
          if (this.input.length < CRLF.length) return false;
          if (this.input[0] !== 13 || this.input[1] !== 10) throw new Error('the Runtime API sent a malformed chunk');
          this.input = this.input.subarray(CRLF.length);
          this.chunkState = 'size';
          break;
        case 'trailers': {
          // Trailer lines (ignored) until an empty one.
          const lineEnd = this.input.indexOf(CRLF);
          if (lineEnd === -1) return false;
          this.input = this.input.subarray(lineEnd + CRLF.length);
          if (lineEnd === 0) {
            this.complete(head);
            return true;
          }
          break;
        }
      }
    }
  }

  private complete(head: Head): void {
    this.head = undefined;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    this.waiting.shift()?.resolve({ status: head.status, headers: head.headers, body });
    // An idle connection never holds the process up (a runtime whose event loop drains must be able to end).
    if (this.waiting.length === 0 && this.outbox.length === 0) this.socket?.unref();
    if (head.close && this.socket) {
      const socket = this.socket;
      this.socket = undefined;
      socket.destroy();
      this.abandon(new Error('the Runtime API closed the connection'));
    }
  }
}

function parseHead(text: string): Head {
  const lines = text.split(CRLF);
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!match) throw new Error(`the Runtime API sent a malformed status line: ${JSON.stringify((lines[0] ?? '').slice(0, 100))}`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const status = Number(match[1]);
  const close = (headers.connection ?? '').toLowerCase() === 'close';
  if (status === 204 || status === 304 || status < 200) return { status, headers, framing: 'length', length: 0, close };
  if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) return { status, headers, framing: 'chunked', length: 0, close };
  if (headers['content-length'] !== undefined) {
    if (!/^\d{1,15}$/.test(headers['content-length'])) throw new Error('the Runtime API sent a malformed Content-Length');
    const length = Number(headers['content-length']);
    return { status, headers, framing: 'length', length, close };
  }
  return { status, headers, framing: 'close', length: 0, close: true };
}
