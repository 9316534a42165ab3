/** The figures the benchmark reports, their targets, and how runs are combined. */

export const SCENARIOS = [
  'holds',
  'projection-lag',
  'hot-stream',
  'last-seat',
  'read-your-writes',
  'search',
  'notifications',
  'replay',
  'websockets',
  'social',
  'rooms',
  'tracking',
  'tracking-analytics',
  'baseline',
] as const;

export type ScenarioName = (typeof SCENARIOS)[number];

/** How one metric of several runs becomes one value: the median, or the worst run. */
export type Aggregate = 'median' | 'min' | 'max';

export type Metrics = Record<string, number>;

/** What one scenario measured in one run. */
export interface Measurement {
  readonly figure: ScenarioName;
  readonly metrics: Metrics;
  /** One-line details for the log (status counts, errors, …). */
  readonly notes?: readonly string[];
}

export interface FigureSpec {
  readonly figure: ScenarioName;
  readonly label: string;
  readonly target: string;
  readonly aggregate: Readonly<Record<string, Aggregate>>;
  format(m: Metrics): string;
  pass(m: Metrics): boolean;
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const ms = (n: number) =>
  Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')} ms` : '–';

const ratio = (n: number) => (Number.isFinite(n) ? `cowatch ${n.toFixed(2)}×` : 'cowatch –');

export const FIGURES: readonly FigureSpec[] = [
  {
    figure: 'holds',
    label: 'holds/s, 1,000 screenings, 1 seat each',
    target: '≥ 3,000 /s, p99 < 50 ms',
    aggregate: { holdsPerSec: 'median', p99: 'median', errors: 'max' },
    format: (m) => `${int(m.holdsPerSec!)} /s, p99 ${ms(m.p99!)}, ${int(m.errors!)} errors`,
    pass: (m) => m.holdsPerSec! >= 3_000 && m.p99! < 50,
  },
  {
    figure: 'hot-stream',
    label: 'holds/s, one screening of 5,000 seats',
    target: '≥ 2,000 /s, zero oversell',
    aggregate: { holdsPerSec: 'median', sold: 'median', oversold: 'max', exact: 'min' },
    format: (m) =>
      `${int(m.holdsPerSec!)} /s, ${int(m.sold!)} sold, ${int(m.oversold!)} oversold` +
      (m.exact === 1 ? '' : ' (check failed)'),
    pass: (m) => m.holdsPerSec! >= 2_000 && m.oversold === 0 && m.exact === 1,
  },
  {
    figure: 'last-seat',
    label: '1,000 concurrent requests, last seat',
    target: 'exactly 1 success, p99 < 1 s',
    aggregate: { successes: 'median', exactlyOne: 'min', p99: 'median' },
    format: (m) => `${int(m.successes!)} success, p99 ${ms(m.p99!)}`,
    pass: (m) => m.exactlyOne === 1 && m.p99! < 1_000,
  },
  {
    figure: 'read-your-writes',
    label: 'own write → own read (hold, then my bookings)',
    target: 'p95 < 50 ms, none missed',
    aggregate: { p50: 'median', p95: 'median', missed: 'max' },
    format: (m) =>
      `p50 ${ms(m.p50!)}, p95 ${ms(m.p95!)}${m.missed ? `, ${int(m.missed)} missed` : ''}`,
    pass: (m) => m.p95! < 50 && m.missed === 0,
  },
  {
    figure: 'search',
    label: 'search by film / host / place',
    target: '≥ 5,000 req/s, p95 < 10 ms',
    aggregate: { reqPerSec: 'median', p95: 'median', errors: 'max' },
    format: (m) =>
      `${int(m.reqPerSec!)} req/s, p95 ${ms(m.p95!)}` +
      (m.errors ? `, ${int(m.errors)} errors` : ''),
    pass: (m) => m.reqPerSec! >= 5_000 && m.p95! < 10 && m.errors === 0,
  },
  {
    figure: 'projection-lag',
    label: 'projection lag under the hold load',
    target: 'p99 < 100 ms',
    aggregate: { p99: 'median', p50: 'median' },
    format: (m) => `p99 ${ms(m.p99!)} (p50 ${ms(m.p50!)})`,
    pass: (m) => m.p99! < 100,
  },
  {
    figure: 'notifications',
    label: 'notification latency, webhook → WebSocket',
    target: 'p95 < 100 ms',
    aggregate: { p95: 'median', delivered: 'min', expected: 'max' },
    format: (m) => `p95 ${ms(m.p95!)}, ${int(m.delivered!)}/${int(m.expected!)} delivered`,
    pass: (m) => m.p95! < 100 && m.delivered === m.expected,
  },
  {
    figure: 'replay',
    label: 'replay (rebuild) speed',
    target: '≥ 50,000 events/s applying',
    aggregate: { eventsPerSec: 'median', events: 'median', wholeCommandEventsPerSec: 'median' },
    format: (m) =>
      `${int(m.eventsPerSec!)} events/s applying, ${int(m.wholeCommandEventsPerSec!)} whole ` +
      `command (${int(m.events!)} events)`,
    pass: (m) => m.eventsPerSec! >= 50_000,
  },
  {
    figure: 'websockets',
    label: 'open WebSockets, one API process',
    target: '≥ 10,000',
    aggregate: { open: 'median', failed: 'max' },
    format: (m) => `${int(m.open!)} open${m.failed ? `, ${int(m.failed)} failed` : ''}`,
    pass: (m) => m.open! >= 10_000,
  },
  {
    figure: 'social',
    label: 'friends who want a film / matches, 10,000 users',
    target: 'p95 < 20 ms each',
    aggregate: { friendsP95: 'median', matchesP95: 'median' },
    format: (m) => `friends p95 ${ms(m.friendsP95!)}, matches p95 ${ms(m.matchesP95!)}`,
    pass: (m) => m.friendsP95! < 20 && m.matchesP95! < 20,
  },
  {
    figure: 'rooms',
    label: 'room control → delivery, 100 rooms × 10 / 1 room × 1,000',
    target: 'p95 < 100 ms, none missing',
    aggregate: { p95: 'median', missing: 'max', crowdP95: 'median', crowdMissing: 'max' },
    format: (m) =>
      `p95 ${ms(m.p95!)} / ${ms(m.crowdP95!)}${m.missing || m.crowdMissing ? `, ${int(m.missing! + m.crowdMissing!)} missing` : ''}`,
    pass: (m) => m.p95! < 100 && m.missing === 0 && m.crowdMissing === 0,
  },
  {
    figure: 'tracking',
    label: 'tracking ingest, 10,000 users, batches of 20',
    target: '≥ 20,000 events/s, p95 < 200 ms, 0 missing',
    aggregate: { eventsPerSec: 'median', p95: 'median', missing: 'max', errors: 'max' },
    format: (m) =>
      `${int(m.eventsPerSec!)} events/s, p95 ${ms(m.p95!)}, ${int(m.missing!)} missing` +
      (m.errors ? `, ${int(m.errors)} errors` : ''),
    pass: (m) => m.eventsPerSec! >= 20_000 && m.p95! < 200 && m.missing === 0,
  },
  {
    figure: 'tracking-analytics',
    label: 'analytics queries over seeded tracking events',
    target: 'p95 < 50 ms each',
    aggregate: {
      filmP95: 'median',
      filmAllP95: 'median',
      topP95: 'median',
      filtersP95: 'median',
      catalogueP95: 'median',
      events: 'min',
    },
    format: (m) =>
      `${int(m.events!)} events: film ${ms(m.filmP95!)} (all time ${ms(m.filmAllP95!)}), ` +
      `top ${ms(m.topP95!)}, filters ${ms(m.filtersP95!)}, catalogue ${ms(m.catalogueP95!)}`,
    pass: (m) =>
      Math.max(m.filmP95!, m.filmAllP95!, m.topP95!, m.filtersP95!, m.catalogueP95!) < 50,
  },
  {
    figure: 'baseline',
    label: 'row-lock baseline, same run (cowatch ÷ baseline)',
    target: 'holds ≥ 2×, search ≥ 1.5×, hot screening ≥ 3× (when run)',
    aggregate: {
      holdsPerSec: 'median',
      holdsP99: 'median',
      holdsRatio: 'median',
      searchPerSec: 'median',
      searchP95: 'median',
      searchRatio: 'median',
      hotPerSec: 'median',
      hotRatio: 'median',
      hotOversold: 'max',
    },
    format: (m) =>
      `holds ${int(m.holdsPerSec!)} /s p99 ${ms(m.holdsP99!)} (${ratio(m.holdsRatio!)}); ` +
      `search ${int(m.searchPerSec!)} req/s p95 ${ms(m.searchP95!)} (${ratio(m.searchRatio!)})` +
      (!Number.isFinite(m.hotPerSec)
        ? ''
        : `; hot screening ${int(m.hotPerSec!)} /s, ${int(m.hotOversold!)} oversold (${ratio(m.hotRatio!)})`),
    pass: (m) =>
      m.holdsRatio! >= 2 &&
      m.searchRatio! >= 1.5 &&
      (!Number.isFinite(m.hotRatio) || m.hotRatio! >= 3),
  },
];
