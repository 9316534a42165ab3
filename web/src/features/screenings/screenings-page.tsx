import { useState } from 'preact/hooks';
import { api, query } from '../../api/client';
import type { Page, Screening } from '../../api/types';
import { session } from '../../session/session';
import { Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { ScreeningList } from './screening-list';

/** Upcoming screenings; a host may narrow them to their own. */
export function ScreeningsPage() {
  const [mine, setMine] = useState(false);
  const [screenings] = useAsync(
    (signal) =>
      api<Page<Screening>>(
        `/api/screenings${query({ from: new Date().toISOString(), mine: mine || undefined, limit: 50 })}`,
        { signal },
      ),
    [mine],
  );
  return (
    <section>
      <h1>Screenings</h1>
      {session.signedIn.value && (
        <label class="inline">
          <input
            type="checkbox"
            checked={mine}
            onChange={(event) => setMine((event.currentTarget as HTMLInputElement).checked)}
          />
          Only the screenings I host
        </label>
      )}
      <Loaded state={screenings}>
        {(page) => <ScreeningList screenings={page.items} empty="No upcoming screenings." />}
      </Loaded>
    </section>
  );
}
