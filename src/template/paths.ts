// Path containment: every local path a template names (CodeUri, ContentUri, DockerContext, Dockerfile) must stay inside the template's directory.
import path from 'node:path';

/**
 * True when `target` is `dir` itself or lies below it. Both are absolute and compared as written
 * (`..` already resolved, symbolic links not followed); callers that read the disk compare real paths too.
 */
export function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  // A path on another drive (Windows) comes back absolute.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
