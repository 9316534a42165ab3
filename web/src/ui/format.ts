const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount / 100);
}

/** "row 3, seat 7" for people and screen readers alike. */
export function seatLabel(seat: { row: number; number: number }): string {
  return `row ${seat.row}, seat ${seat.number}`;
}
