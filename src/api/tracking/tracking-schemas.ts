import { z } from 'zod';
import { isIsoWithinTimeBounds } from '../../domain/bounds.js';
import { plainString, text, textProblem } from '../schemas/text.js';

/** Most events in one batch, bytes in one batch body, and bytes in one event (as JSON). */
export const TRACKING_LIMITS = { events: 500, batchBytes: 500 * 1024, eventBytes: 32 * 1024 };

const filmId = z.uuid();
const instant = z.iso
  .datetime({ offset: true })
  .refine(isIsoWithinTimeBounds, 'must lie between 2000 and 2100');
const count = z.number().int().min(0).max(1_000_000_000);
const seconds = z.number().min(0).max(1_000_000);

/** Free-form JSON of a custom event; every string (and key) obeys the text rule. */
const jsonRecord = z.record(z.string(), z.unknown()).check((ctx) => {
  const problem = jsonProblem(ctx.value, 0);
  if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
});

/** Why a custom event's free-form JSON breaks the text rule or nests too deep; else undefined. */
export function jsonProblem(value: unknown, depth: number): string | undefined {
  if (depth > 16) return 'is nested too deeply (at most 16 levels)';
  if (typeof value === 'string') return textProblem(value);
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = jsonProblem(item, depth + 1);
      if (problem) return problem;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key) ?? jsonProblem(item, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

const propertiesOf = {
  click: z.object({
    element: z.enum(['film', 'trailer', 'category', 'button', 'link']),
    targetId: text(200).optional(),
    label: text(500).optional(),
  }),
  page_view: z.object({
    path: text(2000),
    title: text(500).optional(),
    durationMs: count.optional(),
  }),
  like: z.object({ filmId, liked: z.boolean() }),
  quality_change: z.object({ filmId, from: text(20), to: text(20), position: seconds }),
  watched_to_end: z.object({ filmId, watchedSeconds: seconds }),
  search_filter: z.object({
    query: text(500).optional(),
    filters: z.object({
      genre: text(100).optional(),
      year: z.number().int().min(1800).max(2200).optional(),
      minRating: z.number().min(0).max(10).optional(),
      person: text(200).optional(),
    }),
    results: count,
  }),
  custom: z.object({ name: text(100).min(1), properties: jsonRecord }),
} as const;

/** The type of a tracked event. */
export type TrackedType = keyof typeof propertiesOf;

const common = {
  messageId: z.uuid(),
  timestamp: instant,
  anonymousId: plainString().max(200).optional(),
  sessionId: plainString().max(200).optional(),
  page: z.object({ path: text(2000), referrer: text(2000).optional() }).optional(),
};

function variant<T extends TrackedType>(type: T) {
  return z.object({ ...common, type: z.literal(type), properties: propertiesOf[type] });
}

/** One event as a client sends it, discriminated on `type`. */
export const trackedEventSchema = z.discriminatedUnion('type', [
  variant('click'),
  variant('page_view'),
  variant('like'),
  variant('quality_change'),
  variant('watched_to_end'),
  variant('search_filter'),
  variant('custom'),
]);

export type TrackedEvent = z.infer<typeof trackedEventSchema>;

/** When the client sent the request, by its own clock (for skew correction). */
export const sentAtSchema = instant.optional();

/** The batch envelope; its events are checked one by one, so errors name the index. */
export const batchEnvelopeSchema = z.object({
  sentAt: sentAtSchema,
  events: z.array(z.unknown()).min(1),
});

/** What both ingest routes answer once the events are committed. */
export const trackResultSchema = z.object({
  accepted: z.number().int().describe('Events stored by this request'),
  duplicates: z.number().int().describe('Events whose messageId was already stored'),
});
