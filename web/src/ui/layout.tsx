import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { connected, unreadCount } from '../features/notifications/live';
import { session } from '../session/session';

const links = [
  { href: '/films', label: 'Films' },
  { href: '/friends', label: 'Friends' },
  { href: '/screenings', label: 'Screenings' },
  { href: '/bookings', label: 'My bookings' },
  { href: '/places', label: 'My places' },
];

function NotificationsLink() {
  const count = unreadCount.value;
  return (
    <a href="/notifications" class="bell">
      Notifications
      {count > 0 && (
        <span class="badge" data-testid="unread-count">
          {count}
          <span class="visually-hidden"> unread</span>
        </span>
      )}
      {!connected.value && <span class="visually-hidden"> (reconnecting)</span>}
    </a>
  );
}

/** Header, navigation and the main landmark; moves focus to the page heading on navigation. */
export function Layout({ children }: { children: ComponentChildren }) {
  const { path, route } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // Screen readers hear the new page: focus its heading (not on the very first load).
    if (first.current) {
      first.current = false;
      return;
    }
    // While a screen still loads its heading may be missing: then the main landmark takes focus.
    const heading = main.current?.querySelector('h1');
    heading?.setAttribute('tabindex', '-1');
    (heading ?? main.current)?.focus();
  }, [path]);
  const user = session.user.value;
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <a href="/films" class="brand">
          cowatch
        </a>
        <nav aria-label="Main">
          <ul>
            {links.map((link) => (
              <li key={link.href}>
                <a href={link.href} aria-current={path.startsWith(link.href) ? 'page' : undefined}>
                  {link.label}
                </a>
              </li>
            ))}
            {user && (
              <li>
                <NotificationsLink />
              </li>
            )}
          </ul>
        </nav>
        <div class="account">
          {user ? (
            <>
              <span>{user.displayName}</span>
              <button
                type="button"
                class="link-button"
                onClick={() => {
                  session.signOut();
                  route('/login');
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            <a href="/login">Sign in</a>
          )}
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
