/** An amount in integer minor units (cents) of a currency. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** Multiplies a unit price by a count. */
export function times(price: Money, count: number): Money {
  return { amount: price.amount * count, currency: price.currency };
}
