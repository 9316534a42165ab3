import { describe, expect, it } from 'vitest';
import {
  type BookingMailFacts,
  cancellationMail,
  expiryMail,
  refundMail,
} from '../../src/mail/mail-templates.js';

const facts: BookingMailFacts = {
  to: 'ada@example.test',
  displayName: 'Ada <script>alert(1)</script> & "Co"',
  filmTitle: 'Rear Window',
  placeName: 'Garage <b>Cinema</b>',
  startsAt: '2030-07-02T19:30:00.000Z',
  timeZone: 'Europe/Paris',
};

describe('mail templates', () => {
  it('greet by display name in both parts and escape it in the HTML one', () => {
    const mail = cancellationMail(facts, 'user', false);
    expect(mail.text).toContain('Hello Ada <script>alert(1)</script> & "Co",');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Ada &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;Co&#34;');
    expect(mail.html).toContain('Garage &#60;b&#62;Cinema&#60;/b&#62;');
  });

  it("show times in the place's time zone", () => {
    const mail = expiryMail(facts, '2030-07-01T09:15:00.000Z');
    // 19:30 UTC is 21:30 in Paris in summer; the hold ended at 11:15 Paris time.
    // (ICU versions differ on the comma after the weekday.)
    expect(mail.text).toMatch(/When: Tuesday,? 2 July 2030 at 21:30 CEST/);
    expect(mail.text).toMatch(/held until Monday,? 1 July 2030 at 11:15 CEST/);
    expect(mail.html).toContain('21:30 CEST');
  });

  it('say why a booking was cancelled and whether money comes back', () => {
    const host = cancellationMail(facts, 'screening_cancelled', true);
    expect(host.subject).toBe('Booking cancelled: Rear Window');
    expect(host.text).toContain('The host cancelled the screening');
    expect(host.text).toContain('Your payment will be refunded');
    const failed = cancellationMail(facts, 'payment_failed', false);
    expect(failed.text).toContain('Your payment did not go through');
    expect(failed.text).not.toContain('refunded');
  });

  it('name the refunded amount in its currency', () => {
    const mail = refundMail(facts, { amount: 2400, currency: 'EUR' });
    expect(mail.subject).toBe('Refund of €24.00: Rear Window');
    expect(mail.text).toContain('We refunded €24.00');
    expect(mail.to).toBe('ada@example.test');
    expect(mail.attachments).toEqual([]);
  });
});
