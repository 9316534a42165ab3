import { computed, signal } from '@preact/signals';
import type { User } from '../api/types';

const STORAGE_KEY = 'cowatch.session';

interface Stored {
  token: string;
  user: User;
}

function load(): Stored | undefined {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? (JSON.parse(text) as Stored) : undefined;
  } catch {
    return undefined;
  }
}

const stored = load();
const token = signal<string | undefined>(stored?.token);
const user = signal<User | undefined>(stored?.user);

/** Who is signed in; kept in localStorage so a reload keeps the session. */
export const session = {
  token,
  user,
  signedIn: computed(() => token.value !== undefined),
  signIn(next: Stored) {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    token.value = next.token;
    user.value = next.user;
  },
  signOut() {
    localStorage.removeItem(STORAGE_KEY);
    token.value = undefined;
    user.value = undefined;
  },
};
