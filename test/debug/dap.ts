// Test helper: a Debug Adapter Protocol client over TCP (Content-Length framed JSON), as VS Code's Python extension talks to debugpy.
import { connect, type Socket } from 'node:net';

interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  message?: string;
  body?: Record<string, unknown>;
}

export class DapClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly replies = new Map<number, (m: DapMessage) => void>();
  private readonly events: DapMessage[] = [];
  private eventWaiters: Array<{ name: string; resolve: (m: DapMessage) => void }> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Connects to `host:port`, retrying while nothing listens yet (debugpy's adapter starts after the runtime's process). */
  static async connect(host: string, port: number): Promise<DapClient> {
    for (let delayMs = 10; ; delayMs = Math.min(delayMs * 2, 200)) {
      const socket = await new Promise<Socket | undefined>((resolve) => {
        const s = connect({ host, port });
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      });
      if (socket) return new DapClient(socket);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }

  request(command: string, args: Record<string, unknown> = {}): Promise<DapMessage> {
    const seq = this.seq++;
    const json = Buffer.from(JSON.stringify({ seq, type: 'request', command, arguments: args }));
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${json.length}\r\n\r\n`), json]));
    return new Promise((resolve) => this.replies.set(seq, resolve));
  }

  /** The next event of this name (one already received counts). */
  event(name: string): Promise<DapMessage> {
    const i = this.events.findIndex((e) => e.event === name);
    if (i !== -1) return Promise.resolve(this.events.splice(i, 1)[0]!);
    return new Promise((resolve) => this.eventWaiters.push({ name, resolve }));
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())![1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const msg = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString()) as DapMessage;
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (msg.type === 'response') {
        this.replies.get(msg.request_seq!)?.(msg);
        this.replies.delete(msg.request_seq!);
      } else if (msg.type === 'event') {
        const w = this.eventWaiters.findIndex((x) => x.name === msg.event);
        if (w !== -1) this.eventWaiters.splice(w, 1)[0]!.resolve(msg);
        else this.events.push(msg);
      }
    }
  }
}
