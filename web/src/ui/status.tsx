import type { ComponentChildren } from 'preact';
import type { AsyncState } from './use-async';

/** A failure, announced to screen readers. */
export function ErrorMessage({ message }: { message: string }) {
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

/** Renders `children(value)` once ready; a polite loading line or the error before. */
export function Loaded<T>({
  state,
  children,
}: {
  state: AsyncState<T>;
  children: (value: T) => ComponentChildren;
}) {
  if (state.status === 'loading') {
    return (
      <p class="muted" role="status">
        Loading…
      </p>
    );
  }
  if (state.status === 'error') return <ErrorMessage message={state.message} />;
  return <>{children(state.value)}</>;
}
