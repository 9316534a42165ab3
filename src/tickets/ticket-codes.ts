import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseUuid, stringify as stringifyUuid } from 'uuid';

/** One signing key: its id travels in the code so a rotated-out key still verifies old tickets. */
export interface TicketKey {
  readonly id: string;
  readonly secret: string;
}

const KEY_ID = /^[a-z0-9]{1,8}$/;
const MAC_BYTES = 16;
const UUID_BYTES = 16;
const PREFIX = 'T1';

/**
 * Signs and verifies ticket codes: `T1.<key id>.<base64url(booking uuid ‖ mac)>`. The code names
 * the booking and nothing else; without a key it cannot be made or altered. Hand-written
 * HMAC rather than a JWS (jose is at hand): a JWS of the same claim is ~3× longer, and a short
 * code gives a sparser QR code that door scanners read at a glance and people can type.
 */
export class TicketCodes {
  readonly #signing: TicketKey;
  readonly #byId: ReadonlyMap<string, TicketKey>;

  /** `keys[0]` signs new codes; every key verifies. */
  constructor(keys: readonly TicketKey[]) {
    const [first] = keys;
    if (!first) throw new TypeError('ticket codes need at least one key');
    for (const key of keys) {
      if (!KEY_ID.test(key.id)) throw new TypeError(`ticket key id "${key.id}": 1–8 of a-z, 0-9`);
      if (key.secret.length < 16) throw new TypeError(`ticket key ${key.id}: secret too short`);
    }
    this.#signing = first;
    this.#byId = new Map(keys.map((key) => [key.id, key]));
  }

  /** The code of a booking (deterministic: the same booking and key give the same code). */
  sign(bookingId: string): string {
    const id = Uint8Array.from(parseUuid(bookingId));
    const mac = this.#mac(this.#signing, id);
    const body = Buffer.concat([id, mac]).toString('base64url');
    return `${PREFIX}.${this.#signing.id}.${body}`;
  }

  /** The booking a code names, or undefined for anything forged, altered or malformed. */
  verify(code: string): string | undefined {
    const parts = code.trim().split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) return undefined;
    const key = this.#byId.get(parts[1] ?? '');
    if (!key) return undefined;
    const body = Buffer.from(parts[2] ?? '', 'base64url');
    // Re-encoding must give the same text, so no two spellings of one code both pass.
    if (body.length !== UUID_BYTES + MAC_BYTES || body.toString('base64url') !== parts[2]) {
      return undefined;
    }
    const id = body.subarray(0, UUID_BYTES);
    if (!timingSafeEqual(body.subarray(UUID_BYTES), this.#mac(key, id))) return undefined;
    return stringifyUuid(id);
  }

  #mac(key: TicketKey, id: Uint8Array): Buffer {
    return createHmac('sha256', key.secret)
      .update(`cowatch-ticket:${key.id}:`)
      .update(id)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}

/**
 * Parses `TICKET_KEYS` (`id:secret,id:secret`, newest first); unset, one key derived from the
 * JWT secret, so every node of one deployment signs and verifies alike.
 */
export function ticketKeysFrom(setting: string | undefined, jwtSecret: string): TicketKey[] {
  if (!setting) {
    const secret = createHmac('sha256', jwtSecret).update('ticket-key').digest('base64url');
    return [{ id: 'k0', secret }];
  }
  return setting
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon < 1) throw new TypeError('TICKET_KEYS: each entry is id:secret');
      return { id: entry.slice(0, colon), secret: entry.slice(colon + 1) };
    });
}
