// Test helper: a Chrome DevTools Protocol client over a raw WebSocket (ws) that binds a breakpoint on a .ts line through source maps before the bundle loads, as VS Code's js-debug does with a launch.json.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js';
import WebSocket from 'ws';

/** A port nothing listens on now (the debugger port must be named before the runtime starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The launch.json fields this client honours, with ${workspaceFolder} already expanded. */
export interface AttachConfig {
  address: string;
  port: number;
  /** Globs of the compiled .js files whose source maps are read before they load (js-debug's outFiles). */
  outFiles: string[];
  /** A script at remoteRoot/x runs the local file localRoot/x (a container's /var/task). */
  localRoot?: string;
  remoteRoot?: string;
  /** Resume a runtime started with --inspect-brk once attached. */
  continueOnAttach?: boolean;
}

export interface Paused {
  reason: string;
  hitBreakpoints?: string[];
  callFrames: Array<{ functionName: string; url: string; location: { scriptId: string; lineNumber: number; columnNumber: number } }>;
}

/** A compiled file the predictor read: the URL the runtime loads it from and its source map. */
interface Predicted {
  url: string;
  map: SourceMapConsumer;
}

/** A glob with `**` (any folders) and `*` (any name part) as a RegExp over absolute paths. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The files under a glob's fixed prefix that match it. */
function globFiles(pattern: string): string[] {
  const re = globToRegExp(pattern);
  const parts = pattern.split('/');
  const fixed = parts.slice(0, parts.findIndex((p) => p.includes('*'))).join('/') || '/';
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (re.test(full)) out.push(full);
    }
  };
  walk(fixed);
  return out;
}

/** A compiled file's source map (inline data: URL or a file beside it), sources resolved to absolute paths. */
function readSourceMap(jsFile: string): SourceMapConsumer | undefined {
  const text = readFileSync(jsFile, 'utf8');
  const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
  if (!ref) return undefined;
  let raw: RawSourceMap;
  let base = pathToFileURL(jsFile).href;
  if (ref.startsWith('data:')) {
    raw = JSON.parse(Buffer.from(ref.slice(ref.indexOf(',') + 1), 'base64').toString('utf8')) as RawSourceMap;
  } else {
    const mapFile = fileURLToPath(new URL(ref, base));
    raw = JSON.parse(readFileSync(mapFile, 'utf8')) as RawSourceMap;
    base = pathToFileURL(mapFile).href;
  }
  // Sources are relative to the map (or its sourceRoot).
  const root = raw.sourceRoot ? new URL(raw.sourceRoot.endsWith('/') ? raw.sourceRoot : `${raw.sourceRoot}/`, base).href : base;
  return new SourceMapConsumer({ ...raw, sources: raw.sources.map((s) => fileURLToPath(new URL(s, root))), sourceRoot: '' });
}

/**
 * One debugging session on a Node inspector, as an editor runs it from a launch.json: attach, predict
 * where the .ts breakpoint lands in the compiled files of `outFiles` (their source maps), set it by the
 * URL the runtime will load the file from (localRoot → remoteRoot), then let the runtime go.
 */
export class CdpSession {
  private nextId = 1;
  private readonly replies = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly predicted: Predicted[] = [];
  /** scriptId → URL, from Debugger.scriptParsed (a paused frame's own url field is empty in Node). */
  private readonly scriptUrls = new Map<string, string>();
  private readonly pauses: Paused[] = [];
  private pauseWaiters: Array<(p: Paused) => void> = [];
  /** Breakpoints set by URL: the URL and 0-based line/column V8 was given, and its id. */
  readonly bound: Array<{ url: string; lineNumber: number; columnNumber: number; breakpointId: string }> = [];
  /** Pauses the runtime made before the user's code (--inspect-brk), resumed here. */
  breaksOnStart = 0;

  private constructor(
    private readonly ws: WebSocket,
    private readonly config: AttachConfig,
  ) {
    ws.on('message', (data) => this.onMessage(JSON.parse(String(data)) as Message));
  }

  /** Connects to the inspector's first target; nothing enabled yet (a caller may only want to `send`). */
  static async open(config: AttachConfig): Promise<CdpSession> {
    const targets = (await (await fetch(`http://${config.address}:${config.port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
    const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new CdpSession(ws, config);
  }

  static async attach(config: AttachConfig, breakpoint: { file: string; line: number }): Promise<CdpSession> {
    const session = await CdpSession.open(config);
    await session.send('Runtime.enable');
    await session.send('Debugger.enable');
    await session.predict(breakpoint);
    await session.send('Runtime.runIfWaitingForDebugger');
    return session;
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.replies.set(id, { resolve, reject }));
  }

  /** The next pause at a breakpoint the user set. */
  nextBreakpointPause(): Promise<Paused> {
    const ready = this.pauses.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.pauseWaiters.push(resolve));
  }

  /** Maps a paused frame back to its original source and 1-based line, through the map of the file it runs. */
  original(frame: Paused['callFrames'][number]): { source: string; line: number } | undefined {
    const url = this.scriptUrls.get(frame.location.scriptId);
    const map = this.predicted.find((p) => p.url === url)?.map;
    const pos = map?.originalPositionFor({ line: frame.location.lineNumber + 1, column: frame.location.columnNumber });
    return pos?.source ? { source: pos.source, line: pos.line } : undefined;
  }

  resume(): Promise<unknown> {
    return this.send('Debugger.resume');
  }

  close(): void {
    this.ws.close();
  }

  /** The URL a local compiled file has in the runtime: its own file: URL, or under remoteRoot when it runs in a container. */
  private remoteUrl(file: string): string {
    const { localRoot, remoteRoot } = this.config;
    if (localRoot !== undefined && remoteRoot !== undefined && file.startsWith(localRoot + path.sep)) {
      return pathToFileURL(path.posix.join(remoteRoot, file.slice(localRoot.length + 1).split(path.sep).join('/'))).href;
    }
    return pathToFileURL(file).href;
  }

  private async predict(breakpoint: { file: string; line: number }): Promise<void> {
    for (const file of this.config.outFiles.flatMap(globFiles)) {
      const map = readSourceMap(file);
      if (!map) continue;
      const url = this.remoteUrl(file);
      this.predicted.push({ url, map });
      if (!map.sources.includes(breakpoint.file)) continue;
      const generated = map.generatedPositionFor({ source: breakpoint.file, line: breakpoint.line, column: 0, bias: SourceMapConsumer.LEAST_UPPER_BOUND });
      if (generated.line === null) continue;
      const at = { url, lineNumber: generated.line - 1, columnNumber: generated.column };
      const { breakpointId } = (await this.send('Debugger.setBreakpointByUrl', at)) as { breakpointId: string };
      this.bound.push({ ...at, breakpointId });
    }
  }

  private onMessage(msg: Message): void {
    if (msg.id !== undefined) {
      const reply = this.replies.get(msg.id);
      this.replies.delete(msg.id);
      if (msg.error) reply?.reject(new Error(msg.error.message));
      else reply?.resolve(msg.result);
      return;
    }
    if (msg.method === 'Debugger.scriptParsed') {
      const script = msg.params as { scriptId: string; url: string };
      this.scriptUrls.set(script.scriptId, script.url);
    }
    if (msg.method !== 'Debugger.paused') return;
    const paused = msg.params as Paused;
    if (paused.reason === 'Break on start' && this.config.continueOnAttach) {
      this.breaksOnStart += 1;
      void this.resume();
      return;
    }
    const waiter = this.pauseWaiters.shift();
    if (waiter) waiter(paused);
    else this.pauses.push(paused);
  }
}

interface Message {
  id?: number;
  result?: unknown;
  error?: { message: string };
  method?: string;
  params?: unknown;
}
