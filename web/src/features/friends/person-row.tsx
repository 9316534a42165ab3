import { useState } from 'preact/hooks';
import { messageOf } from '../../api/client';
import type { PublicUser } from '../../api/types';
import { session } from '../../session/session';
import { following, setFollowing } from '../social/my-lists';

/** A person with a Follow / Unfollow button; `onChange` after the server agreed. */
export function PersonRow({ user, onChange }: { user: PublicUser; onChange?: () => void }) {
  const follows = following.value.has(user.id);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const self = session.user.value?.id === user.id;
  const toggle = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await setFollowing(user.id, !follows);
      setError(undefined);
      onChange?.();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="person" data-testid="person">
      <span class="name">{user.displayName}</span>
      {self ? (
        <span class="muted">(you)</span>
      ) : (
        <button
          type="button"
          class={follows ? 'secondary' : ''}
          // aria-disabled, not disabled: a disabled button drops the keyboard focus to the page.
          aria-disabled={busy}
          onClick={() => void toggle()}
        >
          {follows ? 'Unfollow' : 'Follow'}
          <span class="visually-hidden"> {user.displayName}</span>
        </button>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
}
