// The trivial handler serverless-offline runs in the start-api benchmark (the same as fixtures/bench/trivial.mjs).
export const handler = async () => ({ ok: true });
