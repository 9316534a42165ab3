import type { Projection } from '../../engine/projection.js';
import { applySeatClaimsBatch } from './seat-claims-batch.js';

/** The `seat_claims` table: seats LOCKED by a hold, SOLD once confirmed, freed when it ends. */
export const seatClaimsProjection: Projection = {
  name: 'seat_claims',
  applyBatch: (tx, events) => applySeatClaimsBatch(tx, events),
};
