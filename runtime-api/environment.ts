// One execution environment: a Runtime API listener and the runtime it launches, with init, timeouts, crashes and log framing.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isEmulatorError } from '../src/core/errors.js';
import type { ExecutionEnvironment, ExitInfo, FunctionIdentity, Launch, RuntimeProcess } from '../src/core/environment.js';
import { errorBody, isStreamed, parseFunctionError, type FailureKind, type InvokeRequest, type InvokeResult, type InvokeStreamed, type InvokeStreamResult } from '../src/core/invoke.js';
import { newTraceId, randomRequestId, systemClock, type Clock, type IdSource } from '../src/core/ids.js';
import type { Logger } from '../src/core/logger.js';
import { endLine, reportLine, startLine, timeoutLogLine, timeoutMessage } from '../src/core/report.js';
import { LIMITS } from '../src/core/wire.js';
import { RuntimeApiServer, type InitFailure, type RunningInvocation, type RuntimeOutcome } from './server.js';

export interface EnvironmentOptions extends FunctionIdentity {
  id: string;
  launch: Launch;
  logger: Logger;
  /** The function's log stream: runtime output and START/END/REPORT lines; `ended` on the chunk that ends an invocation's log. */
  output: (chunk: string | Buffer, ended?: boolean) => void;
  /** Lambda's on-demand init phase limit (10 s). */
  initTimeoutMs?: number;
  /** Where the Runtime API listens; 127.0.0.1:0 by default. */
  host?: string;
  port?: number;
  clock?: Clock;
  ids?: IdSource;
  /** The function's handler, as the Extensions API's register answer names it. */
  handler?: string;
  /** Most bytes of one invocation's log kept for its result (the most recent ones, give or take one chunk). */
  maxLogBytes?: number;
}

/**
 * A failed init answers with the runtime's own `/init/error` body, or with an emulator-made error whose
 * message (`Error: …`) Lambda prefixes with the invocation's request id.
 */
type InitResult =
  | { ok: true; initDurationMs: number }
  | { ok: false; kind: FailureKind; body: Buffer }
  | { ok: false; kind: FailureKind; errorType: string; reason: string };

/** One invocation under way, as its later steps need it. */
interface RunState {
  requestId: string;
  running: RunningInvocation;
  proc: RuntimeProcess;
  watchdog: { stop(): void; exceeded: boolean };
  started: number;
  timeLeft: () => number;
  initDurationMs: number | undefined;
}

/** What ended the wait for a runtime event. */
type Race<T> = { tag: 'value'; value: T } | { tag: 'exit'; exit: ExitInfo } | { tag: 'timeout' };

const DEFAULT_INIT_TIMEOUT_MS = 10_000;
/** Shutdown with external extensions: 2,000 ms before they are killed (docs: lambda-runtime-environment.html#runtimes-lifecycle-shutdown). */
const EXTENSION_SHUTDOWN_MS = 2_000;
const DEFAULT_MAX_LOG_BYTES = 1_048_576;
const MEMORY_SAMPLE_MS = 100;
const MAX_DRAIN_TURNS = 200;
const QUIET_TURNS = 1;
/** Output chunks arriving after the answer that make a flood, and how long (ms) a flood must be quiet before END. */
const FLOOD_CHUNKS = 16;
const FLOOD_QUIET_MS = 10;
/** How long (ms) output that stopped mid-line must be quiet before END: the rest of the line is usually still in the pipe. */
const OPEN_LINE_QUIET_MS = 50;

/** Starts an environment's Runtime API listener; the runtime itself starts lazily (or on `prepare()`). */
export async function createEnvironment(options: EnvironmentOptions): Promise<ExecutionEnvironment> {
  const api = await RuntimeApiServer.listen({
    logger: options.logger,
    functionInfo: () => ({
      functionName: options.functionName,
      functionVersion: options.version,
      handler: options.handler ?? '',
      accountId: /^arn:[^:]+:lambda:[^:]*:(\d+):/.exec(options.functionArn)?.[1] ?? '123456789012',
    }),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  return new Environment(options, api);
}

class Environment implements ExecutionEnvironment {
  readonly id: string;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly log: Logger;
  private process: RuntimeProcess | undefined;
  private init: Promise<InitResult> | undefined;
  private collecting: Buffer[] | undefined;
  private collectedBytes = 0;
  private closed = false;
  private closing = false;
  /** An invocation is running (an exit now is that invocation's failure). */
  private busy = false;
  /** Counts output chunks, to tell when a runtime's pipe has gone quiet. */
  private chunksSeen = 0;
  /** The last output chunk did not end a line (a container's log stream under load splits lines). */
  private openLine = false;
  /** The previous init of this environment failed: the next one is a re-run in the invoke phase. */
  private initFailedBefore = false;
  /** The last invocation's Invoke phase, while extensions are still working on it (the caller has its answer). */
  private postInvoke: Promise<void> | undefined;
  /** The runtime generation one of whose extensions exited after init: reset before it serves again. */
  private lost: RuntimeProcess | undefined;

  constructor(
    private readonly options: EnvironmentOptions,
    private readonly api: RuntimeApiServer,
  ) {
    this.id = options.id;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomRequestId;
    this.log = options.logger.child({ env: options.id, runtimeApi: api.address });
  }

  async prepare(): Promise<void> {
    await this.ensureInit();
  }

  settled(): Promise<void> | undefined {
    return this.postInvoke;
  }

  invoke(request: InvokeRequest): Promise<InvokeResult> {
    return this.guarded(request, false) as Promise<InvokeResult>;
  }

  invokeStream(request: InvokeRequest): Promise<InvokeStreamResult> {
    return this.guarded(request, true);
  }

  /** Busy from the request until the result, or for a stream until its outcome (an exit meanwhile is this invocation's). */
  private async guarded(request: InvokeRequest, acceptStream: boolean): Promise<InvokeStreamResult> {
    this.busy = true;
    let streaming = false;
    try {
      const result = await this.run(request, acceptStream);
      if (isStreamed(result)) {
        streaming = true;
        void result.outcome.finally(() => {
          this.busy = false;
        });
      }
      return result;
    } finally {
      if (!streaming) this.busy = false;
    }
  }

  private async run(request: InvokeRequest, acceptStream: boolean): Promise<InvokeStreamResult> {
    const requestId = request.requestId ?? this.ids();
    // Not reused before every extension is back at /event/next (callers going through the pool wait for settled()).
    if (this.postInvoke) await this.postInvoke;
    if (this.lost) await this.resetLost(this.lost, false);
    this.collecting = [];
    this.collectedBytes = 0;
    this.emit(startLine(requestId, this.options.version));
    const wasCold = this.init === undefined;
    const init = await this.ensureInit();
    if (!init.ok) {
      const payload = 'body' in init ? init.body : errorBody(init.errorType, `RequestId: ${requestId} Error: ${init.reason}`);
      return this.finish(requestId, { ok: false, kind: init.kind, payload }, 0, undefined);
    }
    const initDurationMs = wasCold ? init.initDurationMs : undefined;
    const proc = this.process!;
    const started = this.clock.monotonic();
    const deadlineMs = this.clock.now() + this.options.timeoutMs;
    const traceId = request.traceId ?? newTraceId(this.clock.now());
    const tracing = { type: 'X-Amzn-Trace-Id' as const, value: traceId };
    this.api.telemetry.platform({ type: 'platform.start', record: { requestId, version: this.options.version, tracing } });
    // Extensions registered for INVOKE get it as the runtime does (Extensions API reference, Invoke phase).
    this.api.extensions.invoke({
      requestId,
      deadlineMs,
      invokedFunctionArn: this.options.functionArn,
      tracing,
    });
    const running = this.api.run({
      requestId,
      payload: request.payload,
      deadlineMs,
      functionArn: this.options.functionArn,
      traceId,
      ...(request.clientContext ? { clientContext: request.clientContext } : {}),
      ...(request.cognitoIdentity ? { cognitoIdentity: request.cognitoIdentity } : {}),
      ...(request.tenantId ? { tenantId: request.tenantId } : {}),
      ...(acceptStream ? { acceptStream } : {}),
    });
    const timeLeft = () => Math.max(0, this.options.timeoutMs - (this.clock.monotonic() - started));

    const watchdog = this.watchMemory(proc);
    const first = await this.race(running.outcome, proc, timeLeft());
    if (first.tag === 'timeout') {
      watchdog.stop();
      await this.timedOut(requestId);
      return this.finish(requestId, this.timeoutFailure(requestId), this.options.timeoutMs, initDurationMs);
    }
    if (first.tag === 'exit') {
      watchdog.stop();
      this.retire();
      void this.reset(proc, 'failure');
      return this.finish(requestId, this.exitFailure(requestId, first.exit, watchdog.exceeded), this.clock.monotonic() - started, initDurationMs);
    }
    const run: RunState = { requestId, running, proc, watchdog, started, timeLeft, initDurationMs };
    const value = first.value;
    if (value.kind === 'stream') return this.streamed(run, value);
    return this.answered(run, value);
  }

  /** The runtime answered: the invocation is over when it is back at /next (RIE and Lambda: Duration spans it). */
  private async answered(run: RunState, outcome: RuntimeOutcome): Promise<InvokeResult> {
    const { requestId, proc, started, initDurationMs } = run;
    const second = await this.race(run.running.done, proc, run.timeLeft());
    run.watchdog.stop();
    if (second.tag === 'value' && !this.api.extensions.allIdle()) {
      // The answer goes to the caller now; the Invoke phase (and REPORT's Duration) ends when every extension
      // is back at /event/next, and the environment is not used again before (Extensions API reference, Invoke phase).
      return this.finish(requestId, this.fromOutcome(outcome, requestId), this.clock.monotonic() - started, initDurationMs, this.awaitExtensions(run));
    }
    let durationMs = this.clock.monotonic() - started;
    if (second.tag === 'timeout') {
      await this.timedOut(requestId);
      durationMs = this.options.timeoutMs;
    } else if (second.tag === 'exit') {
      this.log.warn({ requestId, exit: second.exit.description }, 'runtime exited after answering; a fresh one starts on the next invocation');
      this.retire();
      void this.reset(proc, 'failure');
    }
    return this.finish(requestId, this.fromOutcome(outcome, requestId), durationMs, initDurationMs);
  }

  /** Waits until every extension is back at /event/next, within the function timeout (else the environment is reset); the Invoke phase's duration. */
  private async awaitExtensions(run: RunState): Promise<number> {
    // An extension that exits meanwhile will never be back: the environment is reset with reason failure at once.
    const exited = run.proc.extensionExited?.then(() => 'exited' as const);
    const back = await Promise.race([this.api.extensions.waitIdle(run.timeLeft()), ...(exited ? [exited] : [])]);
    if (back === 'exited') {
      await this.resetLost(run.proc, false);
      return this.clock.monotonic() - run.started;
    }
    if (back) return this.clock.monotonic() - run.started;
    this.log.warn({ requestId: run.requestId, extensions: this.api.extensions.names() }, 'an extension did not call /event/next before the function timeout; the environment is reset');
    const stale = this.process;
    this.retire();
    await this.reset(stale, 'timeout', false);
    return this.options.timeoutMs;
  }

  /**
   * A streamed response goes to the caller at once; the function Timeout still runs while it streams,
   * and the outcome tells how the stream ended.
   */
  private streamed(run: RunState, stream: Extract<RuntimeOutcome, { kind: 'stream' }>): InvokeStreamed {
    const { requestId, proc, started, initDurationMs } = run;
    const outcome = (async (): Promise<InvokeResult> => {
      const ended = await this.race(stream.end, proc, run.timeLeft());
      if (ended.tag === 'value') return this.answered(run, ended.value);
      run.watchdog.stop();
      if (ended.tag === 'timeout') {
        await this.timedOut(requestId);
        return this.finish(requestId, this.timeoutFailure(requestId), this.options.timeoutMs, initDurationMs);
      }
      this.retire();
      void this.reset(proc, 'failure');
      return this.finish(requestId, this.exitFailure(requestId, ended.exit, run.watchdog.exceeded), this.clock.monotonic() - started, initDurationMs);
    })();
    return { ok: true, streamed: true, requestId, body: stream.body, outcome, ...(stream.contentType ? { contentType: stream.contentType } : {}) };
  }

  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    // An Invoke phase still under way (extensions working on the last invocation) ends before Shutdown begins.
    if (this.postInvoke) await Promise.race([this.postInvoke, sleep(this.options.timeoutMs)]);
    const proc = this.process;
    this.process = undefined;
    this.init = undefined;
    // SHUTDOWN (reason spindown) to the extensions, 2 s for them to finish, then everything is killed.
    if (proc) await this.shutdownExtensions(proc, 'spindown');
    // Output stops here: what extensions print during SHUTDOWN above is still the function's log.
    this.closed = true;
    // The runtime goes first: dropping its held /next would make it print a connection error on its way out.
    await proc?.kill();
    await this.api.close();
  }

  /** Launches the runtime once per generation and waits for its first `/next`, its `/init/error` or its exit. */
  private ensureInit(): Promise<InitResult> {
    this.init ??= this.runInit();
    return this.init;
  }

  private async runInit(): Promise<InitResult> {
    this.api.reset();
    const started = this.clock.monotonic();
    const initTimeoutMs = this.options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    // An on-demand init is phase `init` even when an invocation waits for it; `invoke` is Lambda's re-run after a failed init (suppressed init).
    const phase = this.initFailedBefore ? ('invoke' as const) : ('init' as const);
    const telemetry = this.api.telemetry;
    telemetry.platform({ type: 'platform.initStart', record: { initializationType: 'on-demand', phase, functionName: this.options.functionName, functionVersion: this.options.version } });
    let proc: RuntimeProcess;
    try {
      proc = await this.options.launch({
        runtimeApi: this.api.address,
        onOutput: (chunk, extension) => {
          this.emit(chunk);
          telemetry.output(chunk, extension);
        },
        // The runtime starts once the external extensions have registered, an init error, or the init deadline.
        extensionsRegistered: (names) => Promise.race([this.api.extensions.waitRegistered(names), sleep(initTimeoutMs)]),
      });
    } catch (err) {
      this.init = undefined;
      const reason = isEmulatorError(err) ? err.message : String(err);
      this.log.error({ err: reason }, 'runtime could not be started');
      this.initDone(phase, started, 'Runtime.InvalidEntrypoint');
      return { ok: false, kind: 'init', errorType: 'Runtime.InvalidEntrypoint', reason };
    }
    this.process = proc;
    this.api.extensions.expect(proc.extensionNames ?? []);
    void proc.exited.then((exit) => {
      // A runtime that dies between invocations is replaced before the next one, not blamed for it.
      if (this.process === proc && !this.busy) {
        this.log.info({ exit: exit.description }, 'runtime exited between invocations; the next invocation starts a fresh one');
        this.retire();
        void this.reset(proc, 'failure');
      }
    });
    // Init ends when the runtime and every extension have called next (Extensions API reference, Init phase).
    const ready = this.api.ready.then(async () => {
      const left = initTimeoutMs - (this.clock.monotonic() - started);
      return (await this.api.extensions.waitIdle(Math.max(0, left))) ? { tag: 'ready' as const } : { tag: 'timeout' as const };
    });
    const outcome = await Promise.race([
      ready,
      this.api.initFailed.then((failure) => ({ tag: 'init-error' as const, failure })),
      this.api.extensions.failed.then((f) => ({ tag: 'init-error' as const, failure: extensionFailure(f.errorType, `Extension ${f.extension} reported an ${f.phase} error`) })),
      proc.exited.then((exit) => ({ tag: 'exit' as const, exit })),
      ...(proc.extensionExited
        ? [proc.extensionExited.then(({ name, exit }) => ({ tag: 'init-error' as const, failure: extensionFailure('Extension.Crash', `Extension ${name} exited during init: ${exit.description}`) }))]
        : []),
      sleep(Math.max(0, initTimeoutMs - (this.clock.monotonic() - started))).then(() => ({ tag: 'timeout' as const })),
    ]);
    this.api.extensions.closeRegistration();
    if (outcome.tag === 'ready') {
      const initDurationMs = this.initDone(phase, started);
      this.log.debug({ initDurationMs }, 'runtime initialised');
      void proc.extensionExited?.then((lost) => this.extensionLost(proc, lost.name, lost.exit));
      return { ok: true, initDurationMs };
    }
    this.retire();
    await proc.kill();
    const failure = this.initFailure(outcome);
    this.initDone(phase, started, outcome.tag === 'timeout' ? 'Sandbox.Timedout' : outcome.tag === 'exit' ? 'Runtime.ExitError' : outcome.failure.errorType);
    return failure;
  }

  /** platform.initRuntimeDone and platform.initReport (Telemetry API); the init's duration. */
  private initDone(phase: 'init' | 'invoke', started: number, errorType?: string): number {
    const durationMs = this.clock.monotonic() - started;
    const status = errorType === undefined ? { status: 'success' as const } : { status: errorType === 'Sandbox.Timedout' ? ('timeout' as const) : ('error' as const), errorType };
    this.api.telemetry.platform({ type: 'platform.initRuntimeDone', record: { initializationType: 'on-demand', phase, ...status } });
    this.api.telemetry.platform({ type: 'platform.initReport', record: { initializationType: 'on-demand', phase, ...status, metrics: { durationMs: round(durationMs) } } });
    this.api.telemetry.endInit();
    this.initFailedBefore = errorType !== undefined;
    return durationMs;
  }

  private initFailure(
    outcome: { tag: 'init-error'; failure: InitFailure } | { tag: 'exit'; exit: ExitInfo } | { tag: 'timeout' },
  ): InitResult {
    switch (outcome.tag) {
      case 'init-error':
        this.log.info({ errorType: outcome.failure.errorType }, 'runtime reported an init error');
        return { ok: false, kind: 'init', body: outcome.failure.body };
      case 'exit':
        this.log.info({ exit: outcome.exit.description }, 'runtime exited during init');
        return { ok: false, kind: 'exit', errorType: 'Runtime.ExitError', reason: exitReason(outcome.exit) };
      case 'timeout':
        this.log.info({ initTimeoutMs: this.options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS }, 'runtime init timed out');
        return { ok: false, kind: 'timeout', errorType: 'Sandbox.Timedout', reason: timeoutMessage(this.options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS) };
    }
  }

  /** Waits for a runtime event, the process's exit, or the deadline. */
  private async race<T>(value: Promise<T>, proc: RuntimeProcess, ms: number): Promise<Race<T>> {
    // Not Promise.race on proc.exited: each call would leave a reaction (holding this invocation's
    // timer and buffers) on a promise that stays pending for the runtime's whole life — a leak per
    // invocation. One subscription per runtime serves every race instead.
    const watch = exitWatch(proc);
    let timer: NodeJS.Timeout | undefined;
    let onExit: ((exit: ExitInfo) => void) | undefined;
    try {
      return await new Promise<Race<T>>((resolve) => {
        // The value is subscribed first: when it and the exit are both there, it wins, as in Promise.race.
        value.then((v) => resolve({ tag: 'value', value: v }));
        const exited = watch.exit;
        if (exited) void Promise.resolve().then(() => resolve({ tag: 'exit', exit: exited }));
        else watch.waiters.add((onExit = (exit) => resolve({ tag: 'exit', exit })));
        timer = setTimeout(() => resolve({ tag: 'timeout' }), ms);
      });
    } finally {
      clearTimeout(timer);
      if (onExit) watch.waiters.delete(onExit);
    }
  }

  /**
   * An external extension exited after init: the environment cannot serve as Lambda's any more, so it is reset with
   * SHUTDOWN reason failure (lambda-runtime-environment.html, failures in the Invoke phase) — at once when idle, else
   * when the Invoke phase under way ends (awaitExtensions) or before the next invocation (run).
   */
  private extensionLost(proc: RuntimeProcess, name: string, exit: ExitInfo): void {
    if (this.process !== proc) return;
    this.log.warn({ extension: name, exit: exit.description }, 'an extension exited after init; the environment is reset before it is used again');
    this.lost = proc;
    if (!this.busy && !this.postInvoke) void this.resetLost(proc, true);
  }

  /** Resets the runtime generation `proc`, one of whose extensions exited (see extensionLost), if it is still the current one. */
  private async resetLost(proc: RuntimeProcess, background: boolean): Promise<void> {
    if (this.lost === proc) this.lost = undefined;
    if (this.process !== proc) return;
    this.retire();
    await this.reset(proc, 'failure', background);
  }

  /** Forgets the current runtime so the next invocation starts a fresh one (a cold start). */
  private retire(): void {
    this.process = undefined;
    this.init = undefined;
  }

  private async timedOut(requestId: string): Promise<void> {
    const proc = this.process;
    this.retire();
    this.log.info({ requestId, timeoutMs: this.options.timeoutMs }, 'invocation timed out; runtime killed');
    await this.reset(proc, 'timeout');
    this.emit(timeoutLogLine(this.clock.now(), requestId, this.options.timeoutMs));
  }

  /**
   * Retires a runtime that timed out or failed. With extensions, the reset is a Shutdown: the runtime goes,
   * the extensions get SHUTDOWN with the reason and 2 s, then all is killed (docs: lambda-runtime-environment.html#runtimes-lifecycle-invoke-with-errors);
   * the caller has its answer meanwhile, and the environment is not used again before (settled()).
   */
  private async reset(proc: RuntimeProcess | undefined, reason: 'timeout' | 'failure', background = true): Promise<void> {
    if (!proc) return;
    // Without extensions: a timed-out runtime is killed before the answer; a failed one is gone already (but
    // external extensions that never registered may still hold its environment, e.g. a container: killed too).
    if (this.api.extensions.count === 0) return reason === 'timeout' || proc.extensionNames?.length ? proc.kill() : undefined;
    const done = (async () => {
      await proc.killRuntime?.();
      await this.shutdownExtensions(proc, reason);
      await proc.kill();
    })().catch((err: unknown) => this.log.warn({ err: String(err), reason }, 'reset of the environment failed'));
    if (!background) return done;
    this.holdUntil(done);
  }

  /** The environment is not reused before `work` ends (settled() waits for it, with any work already pending). */
  private holdUntil(work: Promise<void>): void {
    const pending = this.postInvoke ? Promise.all([this.postInvoke, work]).then(() => undefined) : work;
    this.postInvoke = pending;
    void pending.then(() => {
      if (this.postInvoke === pending) this.postInvoke = undefined;
    });
  }

  /** SHUTDOWN with `reason` to the extensions; done when each is back at /event/next or has exited, or after 2 s. */
  private async shutdownExtensions(proc: RuntimeProcess, reason: 'spindown' | 'timeout' | 'failure'): Promise<void> {
    if (this.api.extensions.count === 0) return;
    // An extension is done when it is back at /event/next or has exited (the samples exit on SHUTDOWN).
    const shutdown = this.api.extensions.shutdown(reason, EXTENSION_SHUTDOWN_MS);
    // The last buffered telemetry goes out while the extensions can still take it.
    void this.api.telemetry.flush();
    const done = await Promise.race([shutdown, ...(proc.extensionsGone ? [proc.extensionsGone.then(() => true)] : [])]);
    if (!done) this.log.warn({ extensions: this.api.extensions.names(), reason }, 'an extension did not finish within 2 s of SHUTDOWN; killed');
  }

  private timeoutFailure(requestId: string): { ok: false; kind: FailureKind; payload: Buffer } {
    return {
      ok: false,
      kind: 'timeout',
      payload: errorBody('Sandbox.Timedout', `RequestId: ${requestId} Error: ${timeoutMessage(this.options.timeoutMs)}`),
    };
  }

  private exitFailure(requestId: string, exit: ExitInfo, outOfMemory = false): { ok: false; kind: FailureKind; payload: Buffer } {
    this.log.info({ requestId, exit: exit.description, outOfMemory }, 'runtime exited during the invocation');
    const errorType = outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    const payload = errorBody(errorType, `RequestId: ${requestId} Error: ${exitReason(exit)}`);
    this.emit(`RequestId: ${requestId} Error: ${exitReason(exit)}\n${errorType}\n`);
    return { ok: false, kind: 'exit', payload };
  }

  /**
   * Lambda kills a runtime whose memory passes MemorySize. Where the runner can measure the runtime's
   * peak memory (host processes), a sampler does the same during the invocation.
   */
  private watchMemory(proc: RuntimeProcess): { stop(): void; exceeded: boolean } {
    const limit = Number(this.options.memorySizeMb);
    const state = { exceeded: false, stop: () => {} };
    if (!proc.maxMemoryUsedMb || !Number.isFinite(limit)) return state;
    const check = () => {
      const used = proc.maxMemoryUsedMb!();
      if (used !== undefined && used > limit && !state.exceeded) {
        state.exceeded = true;
        this.log.warn({ usedMb: used, limitMb: limit }, 'runtime exceeded its MemorySize; killed as Lambda would');
        void proc.kill();
      }
    };
    const timer = setInterval(check, MEMORY_SAMPLE_MS);
    timer.unref();
    state.stop = () => clearInterval(timer);
    return state;
  }

  private fromOutcome(outcome: RuntimeOutcome, requestId: string): { ok: true; payload: Buffer; contentType?: string } | { ok: false; kind: FailureKind; payload: Buffer } {
    switch (outcome.kind) {
      case 'response':
        return { ok: true, payload: outcome.body, ...(outcome.contentType ? { contentType: outcome.contentType } : {}) };
      case 'error':
        return { ok: false, kind: 'function', payload: outcome.body };
      case 'too-large':
        this.log.warn({ requestId, bytes: outcome.size, limit: LIMITS.runtimeResponseBytes }, 'function response is over the payload limit');
        return {
          ok: false,
          kind: 'response-too-large',
          payload: errorBody(
            'Function.ResponseSizeTooLarge',
            `Response payload size (${outcome.size} bytes) exceeded maximum allowed payload size (${LIMITS.runtimeResponseBytes} bytes).`,
          ),
        };
      case 'bad-response-mode':
        return {
          ok: false,
          kind: 'runtime',
          payload: errorBody('Runtime.InvalidResponseModeHeader', `Invalid function response mode: ${outcome.mode}`),
        };
      case 'stream':
        // A stream's end is an answer or an error, never another stream.
        return { ok: false, kind: 'runtime', payload: errorBody('Runtime.Unknown', 'a streamed response ended with another stream') };
    }
  }

  /**
   * The invocation's result. END and REPORT close its log now, or, when extensions are still working on
   * it (`phaseEnd`), once they are done, with the Invoke phase's whole duration.
   */
  private async finish(
    requestId: string,
    outcome: { ok: true; payload: Buffer; contentType?: string } | { ok: false; kind: FailureKind; payload: Buffer },
    durationMs: number,
    initDurationMs: number | undefined,
    phaseEnd?: Promise<number>,
  ): Promise<InvokeResult> {
    // Output the runtime wrote before answering may still be on its way (Node runtimes buffer stdout to a
    // pipe and flush it after posting): let it land before END. One event-loop turn suffices for the usual
    // case (output already in the pipe is read in the same poll as the answer; each extra turn cost ≈ 2 % of
    // start-api's throughput); output still flowing after it is waited for a millisecond at a time until quiet,
    // and a flood of it (a container's log stream under load stalls for milliseconds) until quiet for longer.
    const drainStart = this.chunksSeen;
    for (let turns = 0, quiet = 0; turns < MAX_DRAIN_TURNS; turns++) {
      const quietNeeded = this.openLine ? OPEN_LINE_QUIET_MS : this.chunksSeen - drainStart >= FLOOD_CHUNKS ? FLOOD_QUIET_MS : QUIET_TURNS;
      if (quiet >= quietNeeded) break;
      const seen = this.chunksSeen;
      await (turns < QUIET_TURNS ? nextTurn() : sleep(1));
      quiet = this.chunksSeen === seen ? quiet + 1 : 0;
    }
    const status = telemetryStatus(outcome);
    this.api.telemetry.platform({
      type: 'platform.runtimeDone',
      record: { requestId, ...status, metrics: { durationMs: round(durationMs), ...(outcome.ok ? { producedBytes: outcome.payload.length } : {}) } },
    });
    const proc = this.process;
    const report = (phaseMs: number) => {
      const maxMemory = proc?.maxMemoryUsedMb?.();
      // END and REPORT go out as one chunk, the one that ends the invocation's log.
      this.emit(
        endLine(requestId) +
        reportLine({
          requestId,
          durationMs: phaseMs,
          memorySizeMb: this.options.memorySizeMb,
          ...(maxMemory !== undefined ? { maxMemoryUsedMb: maxMemory } : {}),
          ...(initDurationMs !== undefined ? { initDurationMs } : {}),
        }),
        true,
      );
      const memorySizeMB = Number(this.options.memorySizeMb);
      this.api.telemetry.platform({
        type: 'platform.report',
        record: {
          requestId,
          ...status,
          metrics: {
            durationMs: round(phaseMs),
            billedDurationMs: Math.max(1, Math.ceil(phaseMs)),
            memorySizeMB: Number.isFinite(memorySizeMB) ? memorySizeMB : 128,
            ...(maxMemory !== undefined ? { maxMemoryUsedMB: maxMemory } : {}),
            ...(initDurationMs !== undefined ? { initDurationMs: round(initDurationMs) } : {}),
          },
        },
      });
    };
    if (phaseEnd) {
      this.holdUntil(phaseEnd.then(report));
    } else {
      report(durationMs);
    }
    const log = Buffer.concat(this.collecting ?? []).toString('utf8');
    this.collecting = undefined;
    const base = { requestId, durationMs, log, ...(initDurationMs !== undefined ? { initDurationMs } : {}) };
    if (outcome.ok) return { ...base, ...outcome };
    const error = parseFunctionError(outcome.payload, 'Runtime.Unknown');
    return { ...base, ok: false, kind: outcome.kind, error, payload: outcome.payload };
  }

  private emit(chunk: string | Buffer, ended = false): void {
    if (this.closed) return;
    this.chunksSeen++;
    if (chunk.length > 0) this.openLine = !ended && (typeof chunk === 'string' ? !chunk.endsWith('\n') : chunk[chunk.length - 1] !== 0x0a);
    this.options.output(chunk, ended);
    if (!this.collecting) return;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.collecting.push(buf);
    this.collectedBytes += buf.length;
    // An invocation's log keeps its most recent bytes (its end, REPORT included, is what Tail shows).
    const max = this.options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES;
    while (this.collectedBytes - this.collecting[0]!.length >= max) this.collectedBytes -= this.collecting.shift()!.length;
  }
}

interface ExitWatch {
  exit?: ExitInfo;
  waiters: Set<(exit: ExitInfo) => void>;
}

const exitWatches = new WeakMap<RuntimeProcess, ExitWatch>();

/** The one subscription to a runtime's exit, shared by every race on it. */
function exitWatch(proc: RuntimeProcess): ExitWatch {
  let watch = exitWatches.get(proc);
  if (!watch) {
    const w: ExitWatch = { waiters: new Set() };
    void proc.exited.then((exit) => {
      w.exit = exit;
      for (const waiter of w.waiters) waiter(exit);
    });
    exitWatches.set(proc, (watch = w));
  }
  return watch;
}

/** `exit status 1` → `Runtime exited with error: exit status 1`; a clean exit has no reason (Lambda's wording). */
function exitReason(exit: ExitInfo): string {
  return exit.code === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: ${exit.description}`;
}

/** An extension's failed init, answered as Lambda does: the error type, and a message in the invocation's error. */
function extensionFailure(errorType: string, message: string): InitFailure {
  return { errorType, body: Buffer.from(JSON.stringify({ errorMessage: message, errorType })) };
}

/** The Telemetry API's status of an invocation: success, or error / failure / timeout with Lambda's error type. */
function telemetryStatus(outcome: { ok: true } | { ok: false; kind: FailureKind; payload: Buffer }): { status: 'success' | 'error' | 'failure' | 'timeout'; errorType?: string } {
  if (outcome.ok) return { status: 'success' };
  const errorType = parseFunctionError(outcome.payload, 'Runtime.Unknown').errorType;
  if (outcome.kind === 'timeout') return { status: 'timeout', errorType: 'Sandbox.Timedout' };
  return { status: outcome.kind === 'function' ? 'error' : 'failure', errorType };
}

/** Milliseconds with three decimals, as Lambda's telemetry reports them. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
