import { setTimeout as sleep } from 'node:timers/promises';

/** Bounded retries after revision conflicts. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 12, baseDelayMs: 2, maxDelayMs: 100 };

/** Waits before attempt `attempt` (1-based): full jitter, so competing writers spread out. */
export function backoff(policy: RetryPolicy, attempt: number): Promise<void> {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return sleep(Math.random() * ceiling);
}
