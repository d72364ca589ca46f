// Runs one invocation at a time and posts its outcome: async handlers as RIC 4.0.2 does, callback handlers as Lambda's Node 20 runtime did, streaming handlers per ric.md §5.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { buildContext, readInvocationHeaders, type FunctionFacts, type InvocationHeaders, type LegacyControls } from './context.js';
import { LIMITS } from '../../../src/core/wire.js';
import { formatError, formatXRayCause, RuntimeError } from './errors.js';
import type { LoadedHandler } from './handler-loader.js';
import type { InvokeStore } from './invoke-store.js';
import { drainStdout, type RuntimeLog } from './console.js';
import { openStreamedInvocation } from './response-stream.js';
import { RuntimeApiStatusError, type NextInvocation, type RuntimeClient } from './runtime-client.js';

export interface InvocationRunnerOptions {
  client: RuntimeClient;
  loaded: LoadedHandler;
  store: InvokeStore;
  log: RuntimeLog;
  facts: FunctionFacts;
}

const isPromise = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** Streaming invocations have no callback model; their context still carries the members, inert. */
const inertControls = (): LegacyControls => ({
  callbackWaitsForEmptyEventLoop: true,
  done: () => {},
  succeed: () => {},
  fail: () => {},
});

/**
 * A posted outcome: `answered` settles when the server has answered it. An answer the server may refuse
 * (over the payload limit) is waited for, so the refusal's log line stays with its invocation; any other
 * is pipelined with the next `/next`.
 */
interface Posting {
  answered: Promise<void>;
  pipelined: boolean;
}

/** Whether the Runtime API will take a body of this size (over Lambda's limit it answers 413). */
const takenBody = (body: Buffer) => body.length <= LIMITS.runtimeResponseBytes;

/** An error status from the Runtime API (413 and the like) is logged and the runtime carries on, as aws-lambda-cpp does. */
function posting(kind: 'success' | 'failure', body: Buffer, sent: Promise<void>): Posting {
  return {
    pipelined: takenBody(body),
    answered: sent.catch((err: unknown) => {
      if (!(err instanceof RuntimeApiStatusError)) throw err;
      process.stdout.write(
        `[ERROR] [${Date.now()}] LAMBDA_RUNTIME Failed to post handler ${kind} response. Http response code: ${err.status}. ${err.body}\n`,
      );
    }),
  };
}

export class InvocationRunner {
  /** Runs when the event loop drains: a callback's result held for an empty loop, or a callback handler's default answer. */
  private onEmptyLoop: (() => void) | undefined;
  /** Reports a crash (uncaught exception, unhandled rejection) as the running invocation's error. */
  private abortCurrent: ((error: unknown) => Promise<void>) | undefined;

  constructor(private readonly options: InvocationRunnerOptions) {
    // `beforeExit` fires only when nothing else is pending: the RIC 3.x way to wait for an empty event loop.
    process.on('beforeExit', () => {
      const action = this.onEmptyLoop;
      this.onEmptyLoop = undefined;
      action?.();
    });
  }

  /** Resolves once the outcome is posted, so the next `/next` marks the invocation done. */
  async run(next: NextInvocation): Promise<void> {
    const inv = readInvocationHeaders(next.headers);
    this.options.store.enter(inv.requestId, inv.traceId, inv.tenantId);
    // Lambda sets the variable per invocation and removes it when an invocation has no trace header.
    if (inv.traceId) process.env._X_AMZN_TRACE_ID = inv.traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    try {
      await (this.options.loaded.streaming ? this.runStreaming(inv, next.body) : this.runBuffered(inv, next.body));
    } finally {
      this.abortCurrent = undefined;
    }
  }

  /** Aborts the running invocation with an error; false when none is running (the crash is then only logged). */
  async abort(error: unknown): Promise<boolean> {
    const abort = this.abortCurrent;
    if (!abort) return false;
    await abort(error);
    return true;
  }

  private async runBuffered(inv: InvocationHeaders, body: Buffer): Promise<void> {
    const { loaded, facts } = this.options;
    const id = inv.requestId;
    let resolvePosted!: (posting: Posting) => void;
    let rejectPosted!: (err: unknown) => void;
    // Nothing but an answer settles this: if none ever comes, the loop runs dry and the process exits (as under RIC 4.0.2).
    const posted = new Promise<Posting>((resolve, reject) => {
      resolvePosted = resolve;
      rejectPosted = reject;
    });
    let postStarted = false;
    const post = (action: () => Promise<Posting>): Promise<Posting> => {
      this.onEmptyLoop = undefined;
      if (!postStarted) {
        postStarted = true;
        action().then(resolvePosted, rejectPosted);
      }
      return posted;
    };
    const complete = (result: unknown) => post(() => this.postResult(id, result));
    const failWith = (error: unknown) => post(() => this.postFailure(id, error));

    let answered = false; // the first of return value, callback, done/succeed/fail wins (RIC 3.x)
    const first =
      <A extends unknown[]>(fn: (...args: A) => unknown) =>
      (...args: A): void => {
        if (answered) return;
        answered = true;
        fn(...args);
      };
    const controls: LegacyControls = {
      callbackWaitsForEmptyEventLoop: true,
      done: first((error?: unknown, result?: unknown) => (error === undefined || error === null ? complete(result) : failWith(error))),
      succeed: first((result?: unknown) => complete(result)),
      // RIC 3.x: fail() without an error reports the string 'handled'.
      fail: first((error?: unknown) => failWith(error === undefined || error === null ? 'handled' : error)),
    };
    const resolved = first((result: unknown) => complete(result));
    const rejected = first((error: unknown) => failWith(error));
    const callback = first((error?: unknown, result?: unknown) => {
      if (error !== undefined && error !== null) return failWith(error);
      // A callback's result waits for the event loop to drain unless the function opted out (Node 20 runtime).
      if (!controls.callbackWaitsForEmptyEventLoop) return complete(result);
      this.onEmptyLoop = () => setImmediate(() => void complete(result));
      return undefined;
    });
    // A crash was logged already (`Uncaught Exception`, ...): report it without a second `Invoke Error` line,
    // and wait for the server's answer: the process exits next.
    this.abortCurrent = async (error) => {
      answered = true;
      await (await post(() => this.postFailure(id, error, { log: false }))).answered;
    };
    // A callback handler that returns without calling back answers null once the loop drains (Node 20 runtime).
    if (loaded.callbackStyle && !loaded.isAsync) {
      this.onEmptyLoop = () => {
        answered = true;
        void complete(null);
      };
    }

    try {
      const context = buildContext(inv, facts, controls);
      const event: unknown = JSON.parse(body.toString('utf8'));
      const returned = loaded.callbackStyle ? loaded.handler(event, context, callback) : loaded.handler(event, context);
      if (isPromise(returned)) returned.then(resolved, rejected);
      // RIC 4.0.2 answers with whatever a plain handler returns; a callback handler answers through its callback.
      else if (!loaded.callbackStyle) resolved(returned);
    } catch (err) {
      rejected(err);
    }
    const outcome = await posted;
    if (!outcome.pipelined) return outcome.answered;
    // The next `/next` goes out with the answer, without waiting for the server's 202. A broken
    // connection fails that `/next` too, and that ends the runtime.
    outcome.answered.catch(() => {});
  }

  private async runStreaming(inv: InvocationHeaders, body: Buffer): Promise<void> {
    const { loaded, facts, client } = this.options;
    const streamed = openStreamedInvocation(client, inv.requestId);
    this.abortCurrent = (error) => streamed.fail(error);
    try {
      const context = buildContext(inv, facts, inertControls());
      const event: unknown = JSON.parse(body.toString('utf8'));
      const returned = loaded.handler(event, streamed.stream, context);
      if (!isPromise(returned)) throw new Error('Streaming does not support non-async handlers.');
      const result = await returned;
      if (result !== undefined) console.warn('Streaming handlers ignore return values.');
      // As the RIC: the invocation lasts until the handler ended the stream and the server answered.
      await streamed.responseDone;
      if (!streamed.stream.writableFinished) throw new Error('Response stream is not finished.');
    } catch (err) {
      await nextTurn();
      this.options.log.logError('Invoke Error', err);
      await streamed.fail(err);
    }
  }

  private async postResult(id: string, result: unknown): Promise<Posting> {
    await nextTurn(); // as the RIC: output scheduled by the handler lands before the answer
    let body: string | undefined;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch {
      return this.postFailure(id, new RuntimeError('JSONStringifyError', 'Unable to stringify response body'), { yieldFirst: false });
    }
    await drainStdout();
    const json = Buffer.from(body ?? 'null');
    // An answer the server will take has the next invocation come back as the POST's answer (one write each way).
    return posting('success', json, this.options.client.postResponse(id, json, { thenNext: takenBody(json) }));
  }

  private async postFailure(id: string, error: unknown, { yieldFirst = true, log = true } = {}): Promise<Posting> {
    if (yieldFirst) await nextTurn();
    if (log) this.options.log.logError('Invoke Error', error);
    await drainStdout();
    const json = Buffer.from(JSON.stringify(formatError(error)));
    return posting('failure', json, this.options.client.postError(id, json, formatXRayCause(error)));
  }
}
