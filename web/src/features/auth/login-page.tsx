import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, messageOf } from '../../api/client';
import type { User } from '../../api/types';
import { session } from '../../session/session';
import { ErrorMessage } from '../../ui/status';

type Mode = 'signin' | 'register';

/** Sign in or register; then back to where the user was going. */
export function LoginPage() {
  const { query, route } = useLocation();
  const [mode, setMode] = useState<Mode>('signin');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<{ user: User; accessToken: string }>(
        mode === 'signin' ? '/api/auth/login' : '/api/auth/register',
        {
          method: 'POST',
          body:
            mode === 'signin'
              ? { email, password }
              : { email, password, displayName: String(form.get('displayName')) },
        },
      );
      session.signIn({ token: answer.accessToken, user: answer.user });
      const next = query.next;
      route(next?.startsWith('/') && !next.startsWith('//') ? next : '/films');
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <h1>{mode === 'signin' ? 'Sign in' : 'Create an account'}</h1>
      <form onSubmit={submit} class="stack">
        {mode === 'register' && (
          <label>
            Display name
            <input name="displayName" required maxLength={80} autoComplete="nickname" />
          </label>
        )}
        <label>
          E-mail
          <input name="email" type="email" required autoComplete="email" />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            required
            minLength={8}
            autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
          />
        </label>
        {error && <ErrorMessage message={error} />}
        <button type="submit" disabled={busy}>
          {mode === 'signin' ? 'Sign in' : 'Register'}
        </button>
      </form>
      <p>
        {mode === 'signin' ? 'New here? ' : 'Have an account? '}
        <button
          type="button"
          class="link-button"
          onClick={() => {
            setMode(mode === 'signin' ? 'register' : 'signin');
            setError(undefined);
          }}
        >
          {mode === 'signin' ? 'Create an account' : 'Sign in instead'}
        </button>
      </p>
    </section>
  );
}
