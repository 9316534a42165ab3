import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messageOf, query } from '../../api/client';
import type { ChatMessage, Page } from '../../api/types';
import { session } from '../../session/session';
import { ErrorMessage } from '../../ui/status';
import { clockText } from './player';
import type { RoomConnection } from './room-connection';

const PAGE = 50;
const MAX_LENGTH = 1000;

/** The room's chat: the snapshot's last 100, live messages, older ones on request. */
export function ChatPanel({ connection, roomId }: { connection: RoomConnection; roomId: string }) {
  const [text, setText] = useState('');
  const [older, setOlder] = useState<{ cursor: string | null; done: boolean }>({
    cursor: null,
    done: false,
  });
  const [error, setError] = useState<string>();
  const log = useRef<HTMLDivElement>(null);
  const messages = connection.chat.value;
  const me = session.user.value?.id;

  // Follow the conversation unless the reader scrolled up to read history.
  useEffect(() => {
    const element = log.current;
    if (!element) return;
    const nearBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 120;
    if (nearBottom) element.scrollTop = element.scrollHeight;
  }, [messages.length]);

  const loadOlder = async () => {
    try {
      // History is newest first, older than the message `before` (an id): start from the
      // oldest shown, then follow `nextCursor`.
      const before = older.cursor ?? messages[0]?.id;
      const page = await api<Page<ChatMessage>>(
        `/api/rooms/${roomId}/messages${query({ limit: PAGE, before })}`,
      );
      connection.addHistory(page.items);
      setOlder({ cursor: page.nextCursor, done: page.nextCursor === null });
      setError(undefined);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  const send = (event: Event) => {
    event.preventDefault();
    const message = text.trim();
    if (!message) return;
    connection.say(message.slice(0, MAX_LENGTH));
    setText('');
  };

  return (
    <aside class="chat" aria-labelledby="chat-heading">
      <h2 id="chat-heading">Chat</h2>
      {!older.done && (
        <button type="button" class="link-button" onClick={() => void loadOlder()}>
          Load earlier messages
        </button>
      )}
      {error && <ErrorMessage message={error} />}
      {!connection.chatAvailable.value && (
        <p class="muted" role="status">
          The chat is unavailable for now; playback goes on.
        </p>
      )}
      <div
        class="chat-log"
        ref={log}
        role="log"
        aria-live="polite"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log must take keyboard focus to be scrolled (axe scrollable-region-focusable)
        tabIndex={0}
        aria-label="Chat messages"
      >
        <ol>
          {messages.map((message) => (
            <li
              key={message.id}
              class={message.userId === me ? 'mine' : ''}
              data-testid="chat-message"
            >
              <span class="who">{message.displayName}</span>{' '}
              {message.mediaPosition != null && (
                <span class="muted at">at {clockText(message.mediaPosition)}</span>
              )}
              <p>{message.text}</p>
            </li>
          ))}
        </ol>
      </div>
      <form class="chat-form" onSubmit={send}>
        <label>
          Message
          <input
            value={text}
            maxLength={MAX_LENGTH}
            onInput={(event) => setText(event.currentTarget.value)}
            autocomplete="off"
          />
        </label>
        <button type="submit">Send</button>
      </form>
    </aside>
  );
}
