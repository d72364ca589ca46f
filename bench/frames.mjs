// Length-prefixed frames over a stream (a 4-byte big-endian length, then the bytes), for the floor relay and the
// transport microbenchmark.

/** One frame holding `parts` back to back. */
export function frame(...parts) {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(parts.reduce((n, p) => n + p.length, 0));
  return Buffer.concat([head, ...parts]);
}

/** Calls `handle` with each frame's bytes as they complete. */
export function onFrames(stream, handle) {
  let buf = Buffer.alloc(0);
  stream.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
      const len = buf.readUInt32BE(0);
      handle(buf.subarray(4, 4 + len));
      buf = buf.subarray(4 + len);
    }
  });
}
