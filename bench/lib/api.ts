import { parsePrometheus, type Sample } from './stats.js';

/** A JSON response of the API. */
export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly ms: number;
}

/** A thin JSON client on fetch for scripted flows (setup, checks, notifications). */
export class Api {
  constructor(readonly url: string) {}

  async request<T = unknown>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: body as T, ms };
  }

  /** Like `request`, but throws unless the status is `expected`. */
  async expect<T = unknown>(
    expected: number,
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const response = await this.request<T>(method, path, options);
    if (response.status !== expected) {
      throw new Error(
        `${method} ${path}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`,
      );
    }
    return response.body;
  }

  /** The server's /metrics, parsed. */
  async metrics(): Promise<Sample[]> {
    const response = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
    return parsePrometheus(await response.text());
  }

  /**
   * Waits until every projection and reactor has caught up with the head of the log (the
   * `cowatch_projection_lag_seconds` gauge is 0 everywhere), so one scenario's backlog does not
   * slow the next. Bounded: gives up after `timeoutMs`.
   */
  async settle(timeoutMs = 60_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const lags = (await this.metrics()).filter(
        (s) => s.name === 'cowatch_projection_lag_seconds',
      );
      if (lags.every((s) => s.value === 0)) return true;
      await sleep(250);
    }
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep their order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
