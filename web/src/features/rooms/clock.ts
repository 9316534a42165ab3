// Stand-in for the shared clock-sync module (web/src/sync/, branch media-sync) until it lands:
// NTP-style offset from the room socket's ping/pong, keeping the best (lowest round trip) of
// the last 8 samples, as the contract and issue 14 describe.

export interface Pong {
  clientSent: number;
  serverReceived: number | string;
  serverSent: number | string;
}

const KEEP = 8;
const ms = (value: number | string) => (typeof value === 'string' ? Date.parse(value) : value);

/** The estimated offset between the server's clock and this one. */
export class ClockSync {
  private samples: { offset: number; roundTrip: number }[] = [];

  /** Adds one ping/pong exchange received at local time `receivedAt` (ms). */
  add(pong: Pong, receivedAt: number): void {
    const t0 = pong.clientSent;
    const t1 = ms(pong.serverReceived);
    const t2 = ms(pong.serverSent);
    if (![t0, t1, t2].every(Number.isFinite)) return;
    const offset = (t1 - t0 + (t2 - receivedAt)) / 2;
    const roundTrip = receivedAt - t0 - (t2 - t1);
    this.samples = [...this.samples, { offset, roundTrip }].slice(-KEEP);
  }

  /** Seeds the offset from a snapshot's `serverTime` before any ping answered. */
  seed(serverTime: string, receivedAt: number): void {
    if (this.samples.length === 0) {
      this.samples = [{ offset: Date.parse(serverTime) - receivedAt, roundTrip: 1e9 }];
    }
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  /** Server time now, in ms since the epoch. */
  now(local = Date.now()): number {
    const best = this.samples.reduce<{ offset: number; roundTrip: number } | undefined>(
      (a, b) => (a === undefined || b.roundTrip < a.roundTrip ? b : a),
      undefined,
    );
    return local + (best?.offset ?? 0);
  }
}
