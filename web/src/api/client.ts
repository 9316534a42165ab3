import { session } from '../session/session';

/** An RFC 9457 problem answered by the API, thrown by `api()`. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly requestId: string | undefined,
  ) {
    super(detail);
  }
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * The position of this tab's last command (`X-Position`). Reads send it as `X-Min-Position`, so
 * the user sees their own writes at once (a place just added, a booking just cancelled) even
 * where the server does not track the session's position itself.
 */
let lastWritePosition: string | undefined;

/** Calls the API with the session's token; answers the parsed body or throws an ApiProblem. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = session.token.value;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'GET' && lastWritePosition) headers['x-min-position'] = lastWritePosition;
  const response = await fetch(path, {
    method,
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    signal: options.signal ?? null,
  });
  const position = response.headers.get('x-position');
  if (method !== 'GET' && position) lastWritePosition = position;
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = (body ?? {}) as { code?: string; detail?: string; requestId?: string };
    if (response.status === 401 && token) session.signOut();
    throw new ApiProblem(
      response.status,
      problem.code ?? 'http_error',
      problem.detail ?? `the server answered ${response.status}`,
      problem.requestId ?? response.headers.get('x-request-id') ?? undefined,
    );
  }
  return body as T;
}

/** A query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The message a person should read for a failure. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiProblem) return error.message;
  if (error instanceof Error) return error.message;
  return 'something went wrong';
}
