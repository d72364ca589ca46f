// Vitest global set-up: installs the test-only fixture package fixtures/ric (the real aws-lambda-ric) once, before any test file runs.
import { ensureRic } from '../fixtures/ric/install.mjs';

export default async function setup(): Promise<void> {
  await ensureRic();
}
