// The per-function pool of execution environments: warm reuse, fan-out up to a limit, queue or throttle beyond it, idle reaping.
import { availableParallelism } from 'node:os';
import { emuError } from '../core/errors.js';
import type { ExecutionEnvironment } from '../core/environment.js';
import { randomRequestId } from '../core/ids.js';
import { isStreamed, requestTooLarge, throttledResult, type InvokeRequest, type InvokeResult, type InvokeStreamResult, type StreamingInvoker } from '../core/invoke.js';
import type { Logger } from '../core/logger.js';
import { shapeStream, type StreamShaping } from '../core/stream-shaping.js';

export interface PoolOptions {
  functionName: string;
  /** Most environments at once (Lambda's concurrency for this function). */
  maxConcurrency: number;
  /** Beyond the limit: wait for a free environment, or answer Lambda's throttle at once. */
  overflow: 'queue' | 'throttle';
  /** How long a queued invocation waits before it is throttled; unbounded when absent. */
  queueTimeoutMs?: number;
  /**
   * How long an invocation waits for a busy environment before a new one starts (0: at once, as
   * Lambda). A warm environment usually frees up sooner than a cold start takes, and on a small
   * machine more runtimes than cores only compete for the CPU.
   */
  scaleOutDelayMs?: number;
  /** Cores to plan for (default: os.availableParallelism()). */
  cpuCount?: number;
  /** Idle environments are closed after this long; never when absent or 0. */
  idleTimeoutMs?: number;
  createEnvironment(): Promise<ExecutionEnvironment>;
  logger: Logger;
  /** What a streamed response goes through on its way out: Lambda's bandwidth cap (on by default) and 200 MiB limit. */
  streamShaping?: StreamShaping;
  /** The function a debugger may hold at a breakpoint (`--debug-port`): front ends do not time it out. */
  debugged?: boolean;
}

const CPU_COUNT = availableParallelism();
const SHRINK_COOLDOWN_MS = 2_000;
const SHRINK_INTERVAL_MS = 100;
/** The speed signal: the 25th percentile of the last 32 successful invocations. */
const SPEED_WINDOW = 32;
const SPEED_PERCENTILE = 0.25;

/** What a waiting invocation gets instead of an environment when Lambda would throttle it. */
const THROTTLED = Symbol('throttled');
type Lease = ExecutionEnvironment | typeof THROTTLED;

interface Waiter {
  resolve(env: Lease): void;
  reject(err: unknown): void;
  timer?: NodeJS.Timeout;
}

/** A pool of environments for one function; it is an Invoker that can also hand on a streamed response. */
export class EnvironmentPool implements StreamingInvoker {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly reapTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  private readonly waiters: Waiter[] = [];
  /** Busy environments to close when their invocation ends (their code changed). */
  private readonly retiring = new Set<ExecutionEnvironment>();
  private starting = 0;
  /** No surplus environment is stopped before this time (cool-down after a scale-out, pacing between stops). */
  private noShrinkUntil = 0;
  /**
   * How fast this function is (ms): the 25th percentile of its last successful invocations, the signal
   * for how far to scale out. Not an average: a fast function's durations grow when its runtimes
   * compete for the CPU, and an average would then call for yet more runtimes; a low percentile stays
   * low. Not the minimum: an I/O-bound function with an occasional fast answer (a cache hit, a
   * validation error) stays slow. Failures do not count (an init error lasts 0 ms).
   */
  private speedMs: number | undefined;
  private readonly recentMs: number[] = [];
  private recentNext = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: PoolOptions) {}

  get debugged(): boolean {
    return this.options.debugged === true;
  }

  /** Environments that exist now (busy or idle). */
  get size(): number {
    return this.all.size;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  invoke(request: InvokeRequest): Promise<InvokeResult> {
    return this.lease(request, (env) => env.invoke(request)) as Promise<InvokeResult>;
  }

  /** As `invoke`, for a caller that takes a streamed response as it comes. */
  invokeStream(request: InvokeRequest): Promise<InvokeStreamResult> {
    const shaping = this.options.streamShaping ?? { bandwidth: {} };
    return this.lease(request, (env) => env.invokeStream(request)).then((result) => shapeStream(result, shaping));
  }

  /** Runs a call on a free environment; a stream holds its environment until the stream's outcome settles. */
  private async lease(request: InvokeRequest, call: (env: ExecutionEnvironment) => Promise<InvokeStreamResult>): Promise<InvokeStreamResult> {
    const refused = requestTooLarge(request.requestId ?? randomRequestId(), request.payload.length);
    if (refused) {
      this.options.logger.warn({ fn: this.options.functionName, bytes: request.payload.length }, 'event is over the 6,291,456-byte synchronous payload limit; the function was not invoked');
      return refused;
    }
    const env = await this.acquire();
    if (env === THROTTLED) return this.throttled(request);
    let streaming = false;
    try {
      const result = await call(env);
      if (isStreamed(result)) {
        streaming = true;
        void result.outcome.then((outcome) => this.observe(outcome)).finally(() => this.releaseSettled(env));
      } else {
        this.observe(result);
      }
      return result;
    } finally {
      if (!streaming) this.releaseSettled(env);
    }
  }

  /** Releases an environment once its extensions are done with the last invocation (at once when it has none). */
  private releaseSettled(env: ExecutionEnvironment): void {
    const settled = env.settled?.();
    if (settled) void settled.then(() => this.release(env), () => this.release(env));
    else this.release(env);
  }

  /** A throttle is Lambda's answer, not a fault: a value, logged as a warning. */
  private throttled(request: InvokeRequest): InvokeResult {
    this.options.logger.warn({ fn: this.options.functionName, limit: this.options.maxConcurrency }, `function "${this.options.functionName}" is at its concurrency limit; invocation throttled`);
    // The emulator's limits stand for the function's reserved concurrency (README: "gets the same 429").
    return throttledResult(request.requestId ?? randomRequestId(), 'ReservedFunctionConcurrentInvocationLimitExceeded');
  }

  private observe(result: InvokeResult): void {
    if (!result.ok) return;
    if (this.recentMs.length < SPEED_WINDOW) this.recentMs.push(result.durationMs);
    else this.recentMs[this.recentNext] = result.durationMs;
    this.recentNext = (this.recentNext + 1) % SPEED_WINDOW;
    const sorted = [...this.recentMs].sort((a, b) => a - b);
    this.speedMs = sorted[Math.floor(sorted.length * SPEED_PERCENTILE)];
  }

  /**
   * How many environments are worth running now. A function whose invocations end within the
   * scale-out delay is CPU-bound at most: more runtimes than cores only compete for them, so
   * beyond the cores an invocation waits for a busy environment. Slower (I/O-bound) functions,
   * and Lambda's own throttling, use the whole limit.
   */
  private get scaleLimit(): number {
    const max = this.options.maxConcurrency;
    const delay = this.options.scaleOutDelayMs ?? 0;
    if (delay === 0 || this.options.overflow === 'throttle' || this.speedMs === undefined || this.speedMs >= delay) return max;
    return Math.min(max, Math.max(1, this.options.cpuCount ?? CPU_COUNT));
  }

  /** Creates environments without starting their runtimes, so listener problems surface at start-up. */
  reserve(count: number): Promise<void> {
    return this.add(count, false);
  }

  /** Starts `count` environments and waits for their init (`--warm-containers EAGER`). */
  warm(count = 1): Promise<void> {
    return this.add(count, true);
  }

  /** Creates up to `count` environments within the limit, optionally initialises them, and leaves them idle. */
  private async add(count: number, init: boolean): Promise<void> {
    const envs: ExecutionEnvironment[] = [];
    try {
      while (envs.length < count && this.all.size + this.starting < this.options.maxConcurrency) envs.push(await this.create());
      if (init) await Promise.all(envs.map((env) => env.prepare()));
    } finally {
      for (const env of envs) this.release(env);
    }
  }

  /** Retires every environment (`--watch` saw the code change): idle ones close now, busy ones when they finish. */
  retire(): void {
    for (const env of this.idle.splice(0)) this.discard(env);
    for (const env of this.all) this.retiring.add(env);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(emuError('EMU_POOL_CLOSED', this.options.functionName));
    }
    for (const timer of this.reapTimers.values()) clearTimeout(timer);
    this.reapTimers.clear();
    const envs = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(envs.map((env) => env.close()));
  }

  private async acquire(): Promise<Lease> {
    if (this.closed) throw emuError('EMU_POOL_CLOSED', this.options.functionName);
    // Most recently used first, so the fewest environments stay warm.
    const env = this.idle.pop();
    if (env) {
      clearTimeout(this.reapTimers.get(env));
      this.reapTimers.delete(env);
      return env;
    }
    if (this.all.size + this.starting < this.options.maxConcurrency) {
      const delay = this.options.scaleOutDelayMs ?? 0;
      if (delay === 0 || this.all.size === 0) return this.create();
      return new Promise<Lease>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject };
        const started = Date.now();
        const decide = () => {
          const i = this.waiters.indexOf(waiter);
          if (i === -1) return;
          const size = this.all.size + this.starting;
          if (size < this.scaleLimit) {
            this.waiters.splice(i, 1);
            this.create().then(resolve, reject);
          } else if (size < this.options.maxConcurrency && Date.now() - started < (this.options.queueTimeoutMs ?? Infinity)) {
            // A fast function at its core count: keep waiting for a busy environment, and look again later.
            waiter.timer = setTimeout(decide, delay);
          } else {
            this.waiters.splice(i, 1);
            this.overflow(waiter);
          }
        };
        waiter.timer = setTimeout(decide, delay);
        this.waiters.push(waiter);
      });
    }
    return new Promise<Lease>((resolve, reject) => this.overflow({ resolve, reject }));
  }

  /** Beyond the limit: throttle at once, or queue with a bounded wait. */
  private overflow(waiter: Waiter): void {
    if (this.options.overflow === 'throttle') return waiter.resolve(THROTTLED);
    if (this.options.queueTimeoutMs !== undefined) {
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(THROTTLED);
      }, this.options.queueTimeoutMs);
    }
    this.waiters.push(waiter);
  }

  private async create(): Promise<ExecutionEnvironment> {
    this.starting++;
    this.noShrinkUntil = Date.now() + SHRINK_COOLDOWN_MS;
    try {
      const env = await this.options.createEnvironment();
      if (this.closed) {
        await env.close();
        throw emuError('EMU_POOL_CLOSED', this.options.functionName);
      }
      this.all.add(env);
      this.options.logger.debug({ fn: this.options.functionName, env: env.id, size: this.all.size }, 'environment created');
      return env;
    } finally {
      this.starting--;
    }
  }

  private release(env: ExecutionEnvironment): void {
    if (this.closed || !this.all.has(env)) return;
    if (this.retiring.has(env)) {
      this.discard(env);
      // The retired environment's place goes to a fresh one for whoever waits.
      const waiter = this.waiters.shift();
      if (waiter) {
        clearTimeout(waiter.timer);
        this.create().then(waiter.resolve, waiter.reject);
      }
      return;
    }
    if (this.all.size > this.scaleLimit && this.speedMs! < (this.options.scaleOutDelayMs ?? 0) / 2 && Date.now() >= this.noShrinkUntil) {
      // One at a time, and not right after a scale-out: a load that comes and goes must not churn runtimes.
      this.noShrinkUntil = Date.now() + SHRINK_INTERVAL_MS;
      // A burst of cold starts scaled a fast function past its cores: shrink back (with hysteresis);
      // whoever waits gets one of the remaining environments.
      this.options.logger.debug({ fn: this.options.functionName, env: env.id, size: this.all.size }, 'surplus environment of a fast function stopped');
      this.discard(env);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(env);
      return;
    }
    this.idle.push(env);
    const idleMs = this.options.idleTimeoutMs;
    if (idleMs) {
      const timer = setTimeout(() => this.reap(env), idleMs);
      timer.unref();
      this.reapTimers.set(env, timer);
    }
  }

  private reap(env: ExecutionEnvironment): void {
    const i = this.idle.indexOf(env);
    if (i === -1) return;
    this.idle.splice(i, 1);
    this.options.logger.debug({ fn: this.options.functionName, env: env.id }, 'idle environment reaped');
    this.discard(env);
  }

  /** Forgets an environment and closes it in the background. */
  private discard(env: ExecutionEnvironment): void {
    clearTimeout(this.reapTimers.get(env));
    this.reapTimers.delete(env);
    this.retiring.delete(env);
    this.all.delete(env);
    void env.close();
  }
}
