// The current invocation's identity (request id, trace id, tenant id), shaped like `@aws/lambda-invoke-store`'s single-concurrency store.

/** The keys `@aws/lambda-invoke-store` uses; libraries such as Powertools read the request id through them. */
const PROTECTED_KEYS = {
  REQUEST_ID: Symbol.for('_AWS_LAMBDA_REQUEST_ID'),
  X_RAY_TRACE_ID: Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'),
  TENANT_ID: Symbol.for('_AWS_LAMBDA_TENANT_ID'),
} as const;

type StoreContext = Record<PropertyKey, unknown>;

/**
 * One invocation at a time, so the store is a plain field. It is published as `awslambda.InvokeStore`,
 * where `@aws/lambda-invoke-store` looks for the runtime's instance before creating its own.
 */
export class InvokeStore {
  static readonly PROTECTED_KEYS = PROTECTED_KEYS;
  private current: StoreContext | undefined;

  /** Sets the identity of the invocation about to run (the RIC keeps it after the invocation ends). */
  enter(requestId: string, traceId: string | undefined, tenantId: string | undefined): void {
    const context: StoreContext = { [PROTECTED_KEYS.REQUEST_ID]: requestId, [PROTECTED_KEYS.X_RAY_TRACE_ID]: traceId };
    if (tenantId !== undefined) context[PROTECTED_KEYS.TENANT_ID] = tenantId;
    this.current = context;
  }

  /** `-` before the first invocation, as the RIC's log lines show it. */
  getRequestId(): string {
    return (this.current?.[PROTECTED_KEYS.REQUEST_ID] as string | undefined) ?? '-';
  }

  getXRayTraceId(): string | undefined {
    return this.current?.[PROTECTED_KEYS.X_RAY_TRACE_ID] as string | undefined;
  }

  getTenantId(): string | undefined {
    return this.current?.[PROTECTED_KEYS.TENANT_ID] as string | undefined;
  }

  getContext(): StoreContext | undefined {
    return this.current;
  }

  hasContext(): boolean {
    return this.current !== undefined;
  }

  isProtectedKey(key: PropertyKey): boolean {
    return (Object.values(PROTECTED_KEYS) as PropertyKey[]).includes(key);
  }

  get(key: PropertyKey): unknown {
    return this.current?.[key];
  }

  set(key: PropertyKey, value: unknown): void {
    if (this.isProtectedKey(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    this.current ??= {};
    this.current[key] = value;
  }

  run<T>(context: StoreContext, fn: () => T): T {
    this.current = context;
    return fn();
  }
}
