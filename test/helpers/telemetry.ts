// What AWS's Python Telemetry API sample forwards for init and two invocations, checked alike on both runners:
// every event valid per the schema written from AWS's reference, the platform events in Lambda's order.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { expect } from 'vitest';

export interface TelemetryEvent {
  time: string;
  type: string;
  record: Record<string, unknown> | string;
}

/** The JSON schema of a Telemetry API event (test/extensions/telemetry-event.schema.json). */
export const telemetrySchema = JSON.parse(readFileSync(fileURLToPath(new URL('../extensions/telemetry-event.schema.json', import.meta.url)), 'utf8')) as object;

/** Asserts what the sample received for init and two invocations (`first`, `second` request ids); returns a lookup of records by type. */
export function expectSampleTelemetry(received: readonly TelemetryEvent[], first: string, second: string): (type: string) => Record<string, unknown>[] {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(telemetrySchema);
  expect(received.length).toBeGreaterThan(10);
  for (const event of received) {
    const valid: boolean = validate(event as unknown);
    expect(valid ? [] : [event.type, validate.errors]).toEqual([]);
  }
  const platform = received.filter((e) => e.type.startsWith('platform.')).map((e) => e.type);
  expect(platform.slice(0, 3)).toEqual(['platform.initStart', 'platform.extension', 'platform.telemetrySubscription']);
  const order = ['platform.initRuntimeDone', 'platform.initReport', 'platform.start', 'platform.runtimeDone', 'platform.report', 'platform.start', 'platform.runtimeDone', 'platform.report'];
  expect(platform.filter((t) => order.includes(t))).toEqual(order);
  const byType = (t: string) => received.filter((e) => e.type === t).map((e) => e.record as Record<string, unknown>);
  expect(byType('platform.start').map((r) => r.requestId)).toEqual([first, second]);
  expect(byType('platform.runtimeDone').map((r) => [r.requestId, r.status])).toEqual([[first, 'success'], [second, 'success']]);
  expect(byType('platform.telemetrySubscription')[0]).toEqual({ name: 'python_example_telemetry_api_extension', state: 'Subscribed', types: ['platform', 'function', 'extension'] });
  // The function's own lines, and the extension's, as separate events.
  expect(received.filter((e) => e.type === 'function').map((e) => e.record)).toEqual(expect.arrayContaining(["function got {'n': 1}", "function got {'n': 2}"]));
  expect(received.some((e) => e.type === 'extension' && String(e.record).includes('Extension Main'))).toBe(true);
  return byType;
}

/** A loopback server where the sample's dispatcher POSTs each batch it got (DISPATCH_POST_URI); the batches land in `received`. */
export async function dispatchSink(received: TelemetryEvent[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as TelemetryEvent[]));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` };
}
