import { useState } from 'preact/hooks';
import { api, messageOf } from '../../api/client';
import type { Follow, Page, Room, RoomMember } from '../../api/types';
import { ErrorMessage, Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';

function presence(member: RoomMember): string {
  if (!member.online) return 'offline';
  return member.ready ? 'online' : 'buffering';
}

/** Who is in the room, online or buffering. */
export function MembersPanel({ members }: { members: RoomMember[] }) {
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">In the room</h2>
      <ul class="members">
        {members.map((member) => (
          <li key={member.userId} data-testid="member" data-presence={presence(member)}>
            <span class={`dot ${presence(member)}`} aria-hidden="true" />
            {member.displayName}
            {member.role === 'host' && <span class="muted"> (host)</span>}
            <span class="muted"> — {presence(member)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The host's invitations: friends not yet in or invited to the room. */
export function InvitePanel({ room, onRoom }: { room: Room; onRoom: (room: Room) => void }) {
  const [friends] = useAsync(
    (signal) => api<Page<Follow>>('/api/me/friends?limit=100', { signal }),
    [],
  );
  const [error, setError] = useState<string>();
  const invite = async (userId: string) => {
    try {
      onRoom(
        await api<Room>(`/api/rooms/${room.id}/invite`, {
          method: 'POST',
          body: { userIds: [userId] },
        }),
      );
      setError(undefined);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const present = new Set([...room.members.map((m) => m.userId), ...room.invited]);
  return (
    <section aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite friends</h2>
      {error && <ErrorMessage message={error} />}
      <Loaded state={friends}>
        {(page) => {
          const invitable = page.items.filter((f) => !present.has(f.id));
          if (invitable.length === 0) return <p class="muted">No friend left to invite.</p>;
          return (
            <ul class="people">
              {invitable.map((friend) => (
                <li key={friend.id} class="person">
                  <span class="name">{friend.displayName}</span>
                  <button type="button" class="secondary" onClick={() => void invite(friend.id)}>
                    Invite<span class="visually-hidden"> {friend.displayName}</span>
                  </button>
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
    </section>
  );
}
