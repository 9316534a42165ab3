import type { VNode } from 'preact';
import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { session } from '../session/session';

/** Renders `children` for a signed-in user; sends anyone else to sign in, then back here. */
export function RequireSignIn({ children }: { children: VNode }) {
  const { url, route } = useLocation();
  const signedIn = session.signedIn.value;
  useEffect(() => {
    if (!signedIn) route(`/login?next=${encodeURIComponent(url)}`, true);
  }, [signedIn, url, route]);
  return signedIn ? children : null;
}
