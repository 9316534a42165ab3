import { Tracker } from './tracker';

const FILM_LINK = /^\/films\/([0-9a-f-]{36})(?:[/?#]|$)/i;
const ANONYMOUS_KEY = 'cowatch.anonymousId';
const QUEUE_KEY = 'cowatch.tracking';

function anonymousId(): string {
  try {
    const known = localStorage.getItem(ANONYMOUS_KEY);
    if (known) return known;
    const id = crypto.randomUUID();
    localStorage.setItem(ANONYMOUS_KEY, id);
    return id;
  } catch {
    return crypto.randomUUID();
  }
}

const path = () => location.pathname + location.search;

/**
 * Tracks page views (with time on page) and clicks on film links for the whole client, from
 * the outside: history changes (the router's pushState / replaceState, and back / forward) and
 * one delegated click listener, so no screen needs to know about tracking.
 */
export function startTracking(token: () => string | undefined): Tracker {
  const tracker = new Tracker(
    {
      fetch: (url, init) => fetch(url, init),
      sendBeacon: (url, body) => navigator.sendBeacon(url, body),
      now: () => Date.now(),
      randomId: () => crypto.randomUUID(),
      token,
      storage: {
        get: () => localStorage.getItem(QUEUE_KEY),
        set: (value) => localStorage.setItem(QUEUE_KEY, value),
      },
    },
    { anonymousId: anonymousId(), sessionId: crypto.randomUUID() },
  );
  tracker.start();
  // After the router has rendered the new page, so the title is the new one.
  const viewed = () => setTimeout(() => tracker.pageView(path(), document.title), 0);
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method].bind(history);
    history[method] = (...args: Parameters<History['pushState']>) => {
      original(...args);
      viewed();
    };
  }
  addEventListener('popstate', viewed);
  addEventListener('pagehide', () => tracker.hidden());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') tracker.hidden();
    else tracker.visible(path(), document.title);
  });
  document.addEventListener(
    'click',
    (event) => {
      const link = (event.target as Element | null)?.closest?.('a[href]');
      const match = link ? FILM_LINK.exec(link.getAttribute('href') ?? '') : null;
      if (match?.[1]) {
        const label = link?.textContent?.trim().slice(0, 200);
        tracker.track('click', {
          element: 'film',
          targetId: match[1],
          ...(label ? { label } : {}),
        });
      }
    },
    { capture: true },
  );
  viewed();
  return tracker;
}
