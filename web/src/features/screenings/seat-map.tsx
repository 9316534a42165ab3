import type { Seat, SeatMap as SeatMapData } from '../../api/types';
import { seatLabel } from '../../ui/format';

const key = (seat: Seat) => `${seat.row}-${seat.number}`;

const STATUS_TEXT = { AVAILABLE: 'available', LOCKED: 'held by someone', SOLD: 'sold' } as const;

/**
 * The auditorium as rows of seat buttons. Each seat says its state in words (not only colour);
 * arrow keys move between seats (one tab stop for the whole map, a roving tabindex).
 */
export function SeatMap({
  map,
  selected,
  onToggle,
}: {
  map: SeatMapData;
  selected: Seat[];
  onToggle: (seat: Seat) => void;
}) {
  const rows = new Map<number, SeatMapData['seats']>();
  for (const seat of map.seats) rows.set(seat.row, [...(rows.get(seat.row) ?? []), seat]);
  const chosen = new Set(selected.map(key));
  const first = map.seats.find((s) => s.status === 'AVAILABLE') ?? map.seats[0];

  const move = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    const row = Number(target.dataset.row);
    const number = Number(target.dataset.number);
    const step = {
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
    }[event.key];
    if (!step) return;
    event.preventDefault();
    const next = (event.currentTarget as HTMLElement).querySelector<HTMLButtonElement>(
      `[data-row="${row + step[0]!}"][data-number="${number + step[1]!}"]`,
    );
    if (!next) return;
    for (const b of (event.currentTarget as HTMLElement).querySelectorAll('button')) {
      b.tabIndex = -1;
    }
    next.tabIndex = 0;
    next.focus();
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: the map is one widget with arrow-key navigation, not a form section
    <div class="seat-map" role="group" aria-label="Seat map" onKeyDown={move}>
      <div class="screen" aria-hidden="true">
        screen
      </div>
      {[...rows].map(([row, seats]) => (
        // biome-ignore lint/a11y/useSemanticElements: a row of seats, not a form section: a fieldset's legend would break the row's layout
        <div key={row} class="seat-row" role="group" aria-label={`Row ${row}`}>
          <span class="row-label" aria-hidden="true">
            {row}
          </span>
          {seats.map((seat) => {
            const isChosen = chosen.has(key(seat));
            const free = seat.status === 'AVAILABLE';
            return (
              <button
                key={key(seat)}
                type="button"
                class={`seat ${seat.status.toLowerCase()}${isChosen ? ' chosen' : ''}`}
                data-row={seat.row}
                data-number={seat.number}
                data-status={seat.status}
                tabIndex={seat === first ? 0 : -1}
                aria-pressed={free ? isChosen : undefined}
                aria-disabled={!free}
                aria-label={`${seatLabel(seat)}, ${isChosen ? 'selected' : STATUS_TEXT[seat.status]}`}
                onClick={() => free && onToggle(seat)}
              >
                {seat.number}
              </button>
            );
          })}
        </div>
      ))}
      <ul class="legend" aria-label="Legend">
        <li>
          <span class="seat available" aria-hidden="true" /> available
        </li>
        <li>
          <span class="seat chosen available" aria-hidden="true" /> your choice
        </li>
        <li>
          <span class="seat locked" aria-hidden="true" /> held
        </li>
        <li>
          <span class="seat sold" aria-hidden="true" /> sold
        </li>
      </ul>
    </div>
  );
}
