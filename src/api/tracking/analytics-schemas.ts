import { z } from 'zod';

const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).refine((v) => {
  const ms = Date.parse(v);
  return ms >= Date.parse('2000-01-01T00:00:00Z') && ms <= Date.parse('2100-01-01T00:00:00Z');
}, 'must lie between 2000 and 2100');

/** `from` (inclusive) and `to` (exclusive): ISO dates or date-times. */
export const windowQuery = z.object({
  from: instant.optional().describe('Inclusive; an ISO date or date-time'),
  to: instant.optional().describe('Exclusive; an ISO date or date-time'),
});

const limit = z.coerce.number().int().min(1).max(100).default(20);

export const filmAnalyticsParams = z.object({ filmId: z.uuid() });

export const filmAnalyticsSchema = z.object({
  pageViews: z.number().int(),
  uniqueViewers: z.number().int(),
  likes: z.number().int(),
  watchedToEnd: z.number().int(),
  watchedToEndRate: z.number().describe('watchedToEnd / pageViews (0 without views)'),
  avgTimeOnPageMs: z.number().int().nullable(),
  qualityChanges: z.array(z.object({ from: z.string(), to: z.string(), count: z.number().int() })),
});

export const topQuery = windowQuery.extend({
  metric: z.enum(['views', 'likes', 'watched_to_end']).default('views'),
  limit,
});

export const topSchema = z.object({
  metric: z.enum(['views', 'likes', 'watched_to_end']),
  items: z.array(
    z.object({ filmId: z.uuid(), title: z.string().nullable(), count: z.number().int() }),
  ),
});

export const filtersQuery = windowQuery.extend({ limit });

export const filtersSchema = z.object({
  items: z.array(z.object({ filter: z.string(), value: z.string(), count: z.number().int() })),
});

export const catalogueQuery = z.object({ by: z.enum(['month']).default('month') });

export const catalogueSchema = z.object({
  by: z.enum(['month']),
  items: z.array(z.object({ month: z.string(), count: z.number().int() })),
});

/** A window's ends as dates. */
export function windowOf(query: { from?: string | undefined; to?: string | undefined }) {
  return {
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
  };
}
