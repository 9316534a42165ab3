import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';

/** How the client talks to TMDB. */
export interface TmdbClientOptions {
  readonly apiKey: string;
  /** `https://api.themoviedb.org/3` unless a local fake is named (tests). */
  readonly baseUrl: string;
  /** Folder of cached responses; undefined: no cache. */
  readonly cacheDir?: string | undefined;
  /** How long a cached response is used, in ms. */
  readonly cacheTtlMs?: number;
  /** How many times a 429 is waited out before the request fails. */
  readonly maxRateLimitWaits?: number;
  /** Longest honoured Retry-After, in seconds. */
  readonly maxRetryAfterSeconds?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A request TMDB answered with an error status (after the 429s were waited out). */
export class TmdbError extends Error {
  override readonly name = 'TmdbError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `fetch`, tried again twice on a network failure: a kept-alive connection the server has
 * closed meanwhile fails the request with no answer at all (a TypeError "fetch failed").
 */
async function fetchWithRetry(
  url: URL,
  headers: Record<string, string>,
  sleep: (ms: number) => Promise<void>,
): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      if (!(error instanceof TypeError) || attempt >= 3) throw error;
      await sleep(200 * attempt);
    }
  }
}

/**
 * TMDB's v3 API through `fetch`, the responses validated with zod (no maintained TMDB client
 * fits: the known ones are unmaintained or without types for the fields used). A `429` is
 * waited out for its `Retry-After`; successful responses are cached on disk by path and query.
 */
export class TmdbClient {
  #rateLimitWaits = 0;

  constructor(private readonly options: TmdbClientOptions) {}

  /** How many 429 answers were waited out so far. */
  get rateLimitWaits(): number {
    return this.#rateLimitWaits;
  }

  async get<T>(
    path: string,
    query: Record<string, string>,
    schema: z.ZodType<T>,
  ): Promise<{ value: T; cached: boolean }> {
    const search = new URLSearchParams(query);
    const cacheKey = createHash('sha256').update(`${path}?${search}`).digest('hex');
    const cached = await this.#readCache(cacheKey);
    if (cached !== undefined) return { value: schema.parse(cached), cached: true };
    const body = await this.#fetch(path, search);
    const value = schema.parse(body);
    await this.#writeCache(cacheKey, body);
    return { value, cached: false };
  }

  async #fetch(path: string, search: URLSearchParams): Promise<unknown> {
    const url = new URL(`${this.options.baseUrl.replace(/\/$/, '')}${path}`);
    for (const [k, v] of search) url.searchParams.set(k, v);
    // A v4 read token is a JWT sent as a bearer; a v3 key goes in the query.
    const bearer = this.options.apiKey.includes('.');
    if (!bearer) url.searchParams.set('api_key', this.options.apiKey);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (bearer) headers.authorization = `Bearer ${this.options.apiKey}`;
    const sleep = this.options.sleep ?? sleeper;
    for (let waits = 0; ; waits++) {
      const response = await fetchWithRetry(url, headers, sleep);
      if (response.status === 429 && waits < (this.options.maxRateLimitWaits ?? 5)) {
        this.#rateLimitWaits += 1;
        await response.body?.cancel();
        await sleep(this.#retryAfterMs(response.headers.get('retry-after')));
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new TmdbError(response.status, `TMDB answered ${response.status} for ${path}`);
      }
      return response.json();
    }
  }

  #retryAfterMs(header: string | null): number {
    const max = (this.options.maxRetryAfterSeconds ?? 60) * 1000;
    const seconds = Number(header);
    if (header !== null && Number.isFinite(seconds) && seconds >= 0) {
      return Math.min(seconds * 1000, max);
    }
    const date = header === null ? Number.NaN : Date.parse(header);
    if (Number.isFinite(date)) return Math.min(Math.max(0, date - Date.now()), max);
    return 1000;
  }

  async #readCache(key: string): Promise<unknown> {
    const dir = this.options.cacheDir;
    if (!dir) return undefined;
    const file = join(dir, `${key}.json`);
    try {
      const info = await stat(file);
      if (Date.now() - info.mtimeMs > (this.options.cacheTtlMs ?? 86_400_000)) return undefined;
      return JSON.parse(await readFile(file, 'utf8'));
    } catch {
      return undefined;
    }
  }

  async #writeCache(key: string, body: unknown): Promise<void> {
    const dir = this.options.cacheDir;
    if (!dir) return;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${key}.json`), JSON.stringify(body));
  }
}
