import type { Api } from './api.js';
import type { Measurement } from './figures.js';
import type { BenchServer } from './server.js';
import { createScreenings, type Screening, type World } from './setup.js';

/** What every scenario of one run gets. */
export interface RunContext {
  readonly server: BenchServer;
  readonly api: Api;
  readonly world: World;
  readonly schema: string;
  readonly quick: boolean;
  /** What this run measured so far (every scenario, selected or not), in order. */
  readonly measured: readonly Measurement[];
  /** The 1,000 large general-admission screenings (created on first use, shared). */
  manyScreenings(): Promise<readonly Screening[]>;
  log(message: string): void;
}

export const MANY_SCREENINGS = 1_000;
export const LARGE_CAPACITY = 10_000;

export function createRunContext(fields: Omit<RunContext, 'manyScreenings'>): RunContext {
  let many: Promise<Screening[]> | undefined;
  return {
    ...fields,
    manyScreenings() {
      many ??= createScreenings(fields.world, MANY_SCREENINGS, { capacity: LARGE_CAPACITY });
      return many;
    },
  };
}
