import { z } from 'zod';
import type { NewEvent } from '../eventstore/event-store.js';
import { storedEventProblem } from '../eventstore/stored-event-schemas.js';
import { CliError } from './io.js';

const lineSchema = z.object({
  streamId: z.string().min(1),
  revision: z.string().regex(/^\d+$/, 'a decimal revision'),
  id: z.string().min(1),
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  metadata: z.looseObject({
    correlationId: z.string(),
    causationId: z.string().optional(),
    userId: z.string().optional(),
    schemaVersion: z.number(),
  }),
  // Optional: lines written by hand may leave it out; the store then records the import time.
  createdAt: z.iso.datetime({ offset: true }).optional(),
});

/** One line of an export, ready to append. */
export interface EventLine extends NewEvent {
  readonly streamId: string;
  readonly revision: bigint;
}

/** Parses and validates one NDJSON line; a bad line fails with its number. */
export function parseEventLine(text: string, lineNo: number): EventLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`line ${lineNo}: not JSON`);
  }
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new CliError(`line ${lineNo}: not an exported event (${problems.join('; ')})`);
  }
  const { revision, createdAt, ...event } = parsed.data;
  // Checked as the current code reads it (upcast from its schemaVersion first).
  const problem = storedEventProblem(event);
  if (problem !== undefined) {
    throw new CliError(`line ${lineNo}: ${event.type} data does not match its schema (${problem})`);
  }
  return {
    ...event,
    revision: BigInt(revision),
    ...(createdAt === undefined ? {} : { createdAt: new Date(createdAt) }),
  };
}
