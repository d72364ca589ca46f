// Test helper: which processes of this machine are still running, to prove a test left none behind.
import { execFileSync } from 'node:child_process';

/** Pids whose command line matches `pattern` (pgrep -f); none is an empty list. */
export function running(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
