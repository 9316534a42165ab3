import { v4, v7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { TicketCodes, ticketKeysFrom } from '../../src/tickets/ticket-codes.js';

const oldKey = { id: 'k1', secret: 'old-secret-old-secret' };
const newKey = { id: 'k2', secret: 'new-secret-new-secret' };

describe('ticket codes', () => {
  it('name the booking they were signed for', () => {
    const codes = new TicketCodes([oldKey]);
    const bookingId = v7();
    const code = codes.sign(bookingId);
    expect(code).toMatch(/^T1\.k1\.[A-Za-z0-9_-]{43}$/);
    expect(codes.verify(code)).toBe(bookingId);
    expect(codes.verify(` ${code}\n`)).toBe(bookingId);
  });

  it('differ per booking and cannot be told from one another without the key', () => {
    const codes = new TicketCodes([oldKey]);
    const a = codes.sign(v4());
    const b = codes.sign(v4());
    expect(a).not.toBe(b);
    expect(
      new TicketCodes([{ id: 'k1', secret: 'another-secret-here' }]).verify(a),
    ).toBeUndefined();
  });

  it('refuse any altered character', () => {
    const codes = new TicketCodes([oldKey]);
    const code = codes.sign(v7());
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 6; i < code.length; i++) {
      const other = alphabet[(alphabet.indexOf(code[i]!) + 1) % alphabet.length]!;
      expect(codes.verify(code.slice(0, i) + other + code.slice(i + 1))).toBeUndefined();
    }
  });

  it('refuse a booking id swapped into a genuine code', () => {
    const codes = new TicketCodes([oldKey]);
    const [, , genuine] = codes.sign(v7()).split('.');
    const mac = Buffer.from(genuine!, 'base64url').subarray(16);
    const forged = Buffer.concat([Buffer.from(v4().replaceAll('-', ''), 'hex'), mac]);
    expect(codes.verify(`T1.k1.${forged.toString('base64url')}`)).toBeUndefined();
  });

  it.each(['', 'T1', 'T1.k1', 'T1.k1.', 'T2.k1.abc', 'T1.zz.abc', 'not a code', 'T1.k1.AAAA'])(
    'refuse malformed input %j',
    (code) => {
      expect(new TicketCodes([oldKey]).verify(code)).toBeUndefined();
    },
  );

  it('keep admitting tickets signed with a key rotated out of signing', () => {
    const bookingId = v7();
    const issued = new TicketCodes([oldKey]).sign(bookingId);
    const rotated = new TicketCodes([newKey, oldKey]);
    expect(rotated.verify(issued)).toBe(bookingId);
    expect(rotated.sign(bookingId)).toMatch(/^T1\.k2\./);
    // Once the old key is removed altogether, its tickets stop working.
    expect(new TicketCodes([newKey]).verify(issued)).toBeUndefined();
  });

  it('read keys from TICKET_KEYS, or derive one from the JWT secret', () => {
    expect(ticketKeysFrom('k2:new-secret-new-secret, k1:old-secret-old-secret', 'jwt')).toEqual([
      newKey,
      oldKey,
    ]);
    const derived = ticketKeysFrom(undefined, 'a-jwt-secret-a-jwt-secret-a-jwt-secret');
    expect(derived).toEqual(ticketKeysFrom(undefined, 'a-jwt-secret-a-jwt-secret-a-jwt-secret'));
    expect(derived[0]?.secret).not.toContain('a-jwt-secret');
    expect(() => new TicketCodes([{ id: 'BAD!', secret: 'long-enough-secret' }])).toThrow();
  });
});
