import autocannon from 'autocannon';

/** One request autocannon sends; built fresh before every request. */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  /** Seconds; ignored when `amount` is set. */
  readonly duration?: number;
  /** Total requests to send, then stop. */
  readonly amount?: number;
  /** Seconds to wait for one response. */
  readonly timeout?: number;
  /** Stop after this many seconds even if `amount` has not been reached (bounds a run). */
  readonly maxSeconds?: number;
  /** Builds the next request of a connection; `context` is that connection's own object. */
  readonly next: (context: Record<string, unknown>) => LoadRequest;
  /** Told of each response with the context its request was built with. */
  readonly onResponse?: (status: number, context: Record<string, unknown>) => void;
}

/** What one autocannon run measured, per response (not autocannon's coarse percentiles). */
export interface LoadResult {
  /** Responses by status code. */
  readonly statuses: ReadonlyMap<number, number>;
  /** Latency of every response, ms. */
  readonly latencies: readonly number[];
  /** Latency of the responses with status `ok`, by status. */
  readonly latenciesByStatus: ReadonlyMap<number, number[]>;
  /** When each response arrived, ms since the start, by status. */
  readonly arrivalsByStatus: ReadonlyMap<number, number[]>;
  /** Connection errors and timeouts (requests without a response). */
  readonly errors: number;
  readonly timeouts: number;
  /** Seconds from the first request to the last response. */
  readonly seconds: number;
  /** Whether `maxSeconds` cut the run short. */
  readonly cut: boolean;
}

/** Runs autocannon against the server with a request built by `next()` for every request. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  const latenciesByStatus = new Map<number, number[]>();
  const arrivalsByStatus = new Map<number, number[]>();
  let started = performance.now();
  let last = started;
  let cut = false;
  let timer: NodeJS.Timeout | undefined;
  const first = options.next({});
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.amount === undefined
          ? { duration: options.duration ?? 10 }
          : { amount: options.amount }),
        timeout: options.timeout ?? 10,
        method: first.method,
        requests: [
          {
            setupRequest: (request, context) => {
              const next = options.next(context as Record<string, unknown>);
              return {
                ...request,
                method: next.method,
                path: next.path,
                headers: { ...next.headers },
                body: next.body ?? '',
              } as autocannon.Request;
            },
            ...(options.onResponse && {
              onResponse: (status: number, _body: string, context: unknown) =>
                options.onResponse?.(status, context as Record<string, unknown>),
            }),
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('start', () => {
      started = performance.now();
    });
    if (options.maxSeconds !== undefined) {
      timer = setTimeout(() => {
        cut = true;
        instance.stop();
      }, options.maxSeconds * 1000);
    }
    instance.on('response', (_client, status, _bytes, ms) => {
      last = performance.now();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      latencies.push(ms);
      append(latenciesByStatus, status, ms);
      append(arrivalsByStatus, status, last - started);
    });
  });
  clearTimeout(timer);
  return {
    statuses,
    latencies,
    latenciesByStatus,
    arrivalsByStatus,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: Math.max(0.001, (last - started) / 1000),
    cut,
  };
}

function append(map: Map<number, number[]>, key: number, value: number): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

/** "201×5000 409×1000" */
export function describeStatuses(statuses: ReadonlyMap<number, number>): string {
  return [...statuses]
    .sort((a, b) => a[0] - b[0])
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
}
