import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { messageOf } from '../../api/client';
import type { Film } from '../../api/types';
import { session } from '../../session/session';
import { type FilmList, liked, setListed, wanted } from './my-lists';

interface ToggleProps {
  film: Film;
  list: FilmList;
  label: string;
  count: number;
  countLabel: string;
  /** Names the film in the accessible name where many cards share the page. */
  named: boolean;
}

function ListToggle({ film, list, label, count, countLabel, named }: ToggleProps) {
  const { url, route } = useLocation();
  const on = (list === 'wishlist' ? wanted : liked).value.has(film.id);
  // The server's count as loaded, moved by this page's own toggles (the list is not reloaded).
  const [delta, setDelta] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const toggle = async () => {
    if (!session.signedIn.value) {
      route(`/login?next=${encodeURIComponent(url)}`);
      return;
    }
    if (busy) return;
    setBusy(true);
    try {
      await setListed(list, film.id, !on);
      setDelta((d) => d + (on ? -1 : 1));
      setError(undefined);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const shown = Math.max(0, count + delta);
  return (
    <span class="list-toggle">
      <button
        type="button"
        class={on ? 'toggle on' : 'toggle'}
        aria-pressed={on}
        // aria-disabled, not disabled: a disabled button drops the keyboard focus to the page.
        aria-disabled={busy}
        onClick={() => void toggle()}
        data-list={list}
      >
        {label}
        {named && <span class="visually-hidden"> {film.title}</span>}
      </button>
      <span class="muted count" data-testid={`${list}-count`}>
        {shown} {countLabel}
      </span>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/** "Want to watch" and "Like" for one film, with how many people did each. */
export function FilmActions({ film, named = false }: { film: Film; named?: boolean }) {
  return (
    <div class="film-actions">
      <ListToggle
        film={film}
        list="wishlist"
        label="Want to watch"
        count={film.wantCount ?? 0}
        countLabel="want it"
        named={named}
      />
      <ListToggle
        film={film}
        list="likes"
        label="Like"
        count={film.likeCount ?? 0}
        countLabel="like it"
        named={named}
      />
    </div>
  );
}
