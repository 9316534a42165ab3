import { isUuid, UUID_PATTERN } from '../../domain/ids.js';
import type { TrackingRow } from '../../projections/tracking/tracking-rows.js';
import { ApiError } from '../api-error.js';
import { fastEvent, instant } from './tracking-fast-check.js';
import {
  batchEnvelopeSchema,
  sentAtSchema,
  TRACKING_LIMITS,
  type TrackedEvent,
  trackedEventSchema,
} from './tracking-schemas.js';

/** A validation problem at a path of the request body. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** A refusal of a tracking request with the failing paths (`events[i]…`). */
export class TrackingInputError extends ApiError {
  constructor(
    code: 'validation_failed' | 'payload_too_large' | 'invalid_body',
    message: string,
    readonly details: { errors: readonly FieldError[] },
  ) {
    super(code, message);
  }
}

/** Who sent the request and when it arrived. */
export interface Arrival {
  readonly receivedAt: Date;
  /** The UTC day of `receivedAt` (the partition), computed once per request. */
  readonly day: string;
  readonly userId: string | undefined;
}

function bodyBytes(body: unknown): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : Number.POSITIVE_INFINITY;
}

function parseJson(body: unknown): unknown {
  // `text/plain` (sendBeacon) and `application/json` both arrive as text, parsed here once.
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    throw new TrackingInputError('invalid_body', 'the body is not JSON', {
      errors: [{ path: 'body', message: 'is not valid JSON' }],
    });
  }
}

function issues(
  prefix: string,
  error: { issues: readonly { path: PropertyKey[]; message: string }[] },
) {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.'),
    message: issue.message,
  }));
}

function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

/** Checks each event's size and schema; errors name the index (`events[i]…`). */
function validateEvents(
  raw: readonly unknown[],
  prefix: (i: number) => string,
  bodyBytes: number,
): TrackedEvent[] {
  const tooLarge: FieldError[] = [];
  const invalid: FieldError[] = [];
  const events: TrackedEvent[] = [];
  // No event can be larger than the body it came in: measure each only in a large body.
  const measure = bodyBytes > TRACKING_LIMITS.eventBytes;
  raw.forEach((item, i) => {
    const size = measure ? byteLength(item) : 0;
    if (size > TRACKING_LIMITS.eventBytes) {
      tooLarge.push({
        path: prefix(i),
        message: `is ${size} bytes; an event may have at most ${TRACKING_LIMITS.eventBytes}`,
      });
      return;
    }
    const fast = fastEvent(item);
    if (fast) {
      events.push(fast);
      return;
    }
    const parsed = trackedEventSchema.safeParse(item);
    if (parsed.success) events.push(parsed.data);
    else invalid.push(...issues(prefix(i), parsed.error));
  });
  if (tooLarge.length > 0) {
    const names = tooLarge.map((e) => e.path).join(', ');
    throw new TrackingInputError('payload_too_large', `too large: ${names}`, { errors: tooLarge });
  }
  if (invalid.length > 0) {
    const names = [...new Set(invalid.map((e) => e.path.split('.')[0]))].join(', ');
    throw new TrackingInputError('validation_failed', `invalid events: ${names}`, {
      errors: invalid,
    });
  }
  return events;
}

function sentAtOf(value: unknown, path: string): string | undefined {
  const parsed = sentAtSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new TrackingInputError('validation_failed', 'sentAt is not valid', {
    errors: issues(path, parsed.error),
  });
}

/** The events of `POST /api/track`: one event plus `sentAt`. */
export function singleEvent(body: unknown, arrival: Arrival): TrackingRow[] {
  const json = parseJson(body);
  const record = typeof json === 'object' && json !== null ? json : {};
  const { sentAt, ...event } = record as { sentAt?: unknown };
  const sent = sentAtOf(sentAt, 'sentAt');
  const [parsed] = validateEvents([event], () => '', bodyBytes(body));
  return parsed ? [toRow(parsed, sent, arrival)] : [];
}

/** The common envelope, checked without zod: `{ sentAt?, events: [≥ 1] }` and nothing else. */
function fastEnvelope(json: unknown) {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { sentAt, events, ...rest } = json as { sentAt?: unknown; events?: unknown };
  if (Object.keys(rest).length > 0) return undefined;
  if (sentAt !== undefined && !instant(sentAt)) return undefined;
  if (!Array.isArray(events) || events.length === 0) return undefined;
  return { success: true as const, data: { sentAt: sentAt as string | undefined, events } };
}

/** The events of `POST /api/track/batch`: `{ sentAt, events: [≤ 500] }`. */
export function batchEvents(body: unknown, arrival: Arrival): TrackingRow[] {
  const json = parseJson(body);
  const envelope = fastEnvelope(json) ?? batchEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new TrackingInputError('validation_failed', 'the batch is not valid', {
      errors: issues('', envelope.error),
    });
  }
  const { sentAt, events } = envelope.data;
  if (events.length > TRACKING_LIMITS.events) {
    throw new TrackingInputError(
      'payload_too_large',
      `a batch may hold at most ${TRACKING_LIMITS.events} events, not ${events.length}`,
      { errors: [{ path: 'events', message: `has ${events.length} events` }] },
    );
  }
  return validateEvents(events, (i) => `events[${i}]`, bodyBytes(body)).map((e) =>
    toRow(e, sentAt, arrival),
  );
}

/**
 * Skew correction as Segment does it: the client's clock may be wrong, but the time an event
 * waited in the client (`sentAt − timestamp`) is measured on that one clock, so it holds:
 * occurred = receivedAt − (sentAt − timestamp). Never later than its arrival.
 */
export function correctedTime(timestamp: string, sentAt: string | undefined, receivedAt: Date) {
  if (sentAt === undefined) return new Date(Math.min(Date.parse(timestamp), receivedAt.getTime()));
  const waited = Math.max(0, Date.parse(sentAt) - Date.parse(timestamp));
  return new Date(receivedAt.getTime() - waited);
}

const FILM_PATH = new RegExp(`^/films/(${UUID_PATTERN})(?:[/?#]|$)`, 'i');

/** The film an event is about, if any: per-film analytics find its rows by it. */
function filmOf(event: TrackedEvent): string | null {
  switch (event.type) {
    case 'like':
    case 'quality_change':
    case 'watched_to_end':
      return event.properties.filmId;
    case 'page_view':
      return FILM_PATH.exec(event.properties.path)?.[1]?.toLowerCase() ?? null;
    case 'click': {
      const { element, targetId } = event.properties;
      const aboutFilm = element === 'film' || element === 'trailer';
      return aboutFilm && targetId && isUuid(targetId) ? targetId.toLowerCase() : null;
    }
    case 'custom': {
      const id = event.properties.properties.filmId;
      return isUuid(id) ? id.toLowerCase() : null;
    }
    case 'search_filter':
      return null;
    default: {
      const _: never = event;
      return _;
    }
  }
}

function toRow(event: TrackedEvent, sentAt: string | undefined, arrival: Arrival): TrackingRow {
  return {
    messageId: event.messageId.toLowerCase(),
    day: arrival.day,
    occurredAt: correctedTime(event.timestamp, sentAt, arrival.receivedAt),
    receivedAt: arrival.receivedAt,
    type: event.type,
    userId: arrival.userId ?? null,
    anonymousId: event.anonymousId ?? null,
    sessionId: event.sessionId ?? null,
    pagePath: event.page?.path ?? null,
    referrer: event.page?.referrer ?? null,
    filmId: filmOf(event),
    name: event.type === 'custom' ? event.properties.name : null,
    properties: JSON.stringify(event.properties),
  };
}
