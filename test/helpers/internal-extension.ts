// Checks of fixtures/extensions/internal (an internal extension in the runtime process) shared by the process and Docker runs.
import { expect } from 'vitest';

/** What the fixture's handler answers: its request id, its two registrations' answers and the events its extension has seen. */
export interface InternalAnswer {
  requestId: string;
  registration: { status: number; functionName?: string; functionVersion?: string };
  shutdownRefusal: { status: number; errorType?: string; errorMessage?: string };
  seen: Array<{ eventType: string; requestId: string }>;
}

/** Three invocations in turn: each invocation's INVOKE reached the extension before the environment served the next one. */
export function expectInternalExtension(answers: InternalAnswer[]): void {
  const [first] = answers;
  expect(first!.registration).toMatchObject({ status: 200, functionName: 'Internal', functionVersion: '$LATEST' });
  // An internal extension may not ask for SHUTDOWN (Lambda's rapid: ValidateInternalAgentEvent).
  expect(first!.shutdownRefusal).toMatchObject({ status: 403, errorType: 'Extension.InvalidEventType' });
  answers.forEach((answer, i) => {
    const before = answers.slice(0, i).map((a) => ({ eventType: 'INVOKE', requestId: a.requestId }));
    expect(answer.seen.slice(0, i)).toEqual(before);
  });
}
