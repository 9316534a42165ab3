/**
 * Steps that rewrite screening events of older shapes into the current ones as they are read,
 * keyed by (type, fromVersion); the log itself stays as it was written.
 */
export const screeningUpcasters = [
  {
    // PaymentRequested v1 could carry the checkout URL and Stripe's client secret: a secret must
    // not be served from an immutable log (history, export, read models), so only the
    // reference survives the read. Events written at v1 in the current shape pass unchanged.
    type: 'PaymentRequested',
    fromVersion: 1,
    upcast: (data: Record<string, unknown>): Record<string, unknown> => {
      const payment = data.payment;
      if (typeof payment !== 'object' || payment === null) return data;
      const { provider, paymentId } = payment as Record<string, unknown>;
      if (Object.keys(payment).length === 2 && provider !== undefined && paymentId !== undefined) {
        return data;
      }
      return { ...data, payment: { provider, paymentId } };
    },
  },
] as const;
