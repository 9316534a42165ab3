import { describe, expect, it } from 'vitest';
import { type PlaceEvent, placeDecider } from '../../src/domain/place/index.js';
import { given } from '../support/given-when-then.js';

const placeId = 'p1';
const hostId = 'host-1';
const now = new Date('2030-01-01T10:00:00.000Z');
const tomorrow = new Date('2030-01-02T20:00:00.000Z');
const yesterday = new Date('2029-12-31T20:00:00.000Z');

const created: PlaceEvent = {
  type: 'PlaceCreated',
  data: {
    placeId,
    hostId,
    name: 'Le Grand Rex',
    address: '1 boulevard Poissonnière',
    description: null,
    createdAt: '2029-12-01T09:00:00.000Z',
  },
};

function added(screeningId: string, startsAt: Date): PlaceEvent {
  return {
    type: 'ScreeningAddedToPlace',
    data: { placeId, screeningId, startsAt: startsAt.toISOString() },
  };
}

function removed(screeningId: string): PlaceEvent {
  return { type: 'ScreeningRemovedFromPlace', data: { placeId, screeningId } };
}

const deleted: PlaceEvent = {
  type: 'PlaceDeleted',
  data: { placeId, deletedAt: '2029-12-15T09:00:00.000Z' },
};

describe('CreatePlace', () => {
  const command = {
    type: 'CreatePlace' as const,
    placeId,
    hostId,
    name: 'Le Grand Rex',
    address: '1 boulevard Poissonnière',
    description: null,
    now,
  };

  it('creates a place that does not exist yet', () => {
    given(placeDecider, [])
      .when(command)
      .then([{ ...created, data: { ...created.data, createdAt: now.toISOString() } }]);
  });

  it('refuses texts longer than the bounds', () => {
    for (const long of [
      { name: 'x'.repeat(201) },
      { name: '' },
      { address: 'x'.repeat(501) },
      { description: 'x'.repeat(2001) },
    ]) {
      given(placeDecider, [])
        .when({ ...command, ...long })
        .thenThrows('invalid_place');
    }
  });

  it('records the time zone of the place when one is given', () => {
    given(placeDecider, [])
      .when({ ...command, timeZone: 'Europe/Paris' })
      .then([
        {
          ...created,
          data: { ...created.data, createdAt: now.toISOString(), timeZone: 'Europe/Paris' },
        },
      ]);
    const state = placeDecider.evolve(placeDecider.initialState, {
      ...created,
      data: { ...created.data, timeZone: 'Europe/Paris' },
    });
    expect(state.status !== 'initial' && state.timeZone).toBe('Europe/Paris');
    const old = placeDecider.evolve(placeDecider.initialState, created);
    expect(old.status !== 'initial' && old.timeZone).toBeNull();
  });

  it('does nothing when the same host creates the same place again', () => {
    given(placeDecider, [created]).when(command).thenNothing();
  });

  it('refuses another host creating a place with an id already in use', () => {
    given(placeDecider, [created])
      .when({ ...command, hostId: 'host-2' })
      .thenThrows('place_already_exists');
  });

  it('refuses the same host reusing the id for a place of another name', () => {
    given(placeDecider, [created])
      .when({ ...command, name: 'Max Linder' })
      .thenThrows('place_already_exists');
  });
});

describe('AddScreeningToPlace', () => {
  const command = {
    type: 'AddScreeningToPlace' as const,
    placeId,
    hostId,
    screeningId: 's1',
    startsAt: tomorrow,
  };

  it('adds a screening to the schedule of the place', () => {
    given(placeDecider, [created])
      .when(command)
      .then([added('s1', tomorrow)]);
  });

  it('refuses a start the read models cannot represent', () => {
    given(placeDecider, [created])
      .when({ ...command, startsAt: new Date('9999-12-31T23:00:00Z') })
      .thenThrows('invalid_screening');
  });

  it('does nothing when the screening is already on the schedule', () => {
    given(placeDecider, [created, added('s1', tomorrow)])
      .when(command)
      .thenNothing();
  });

  it('adds the screening again once it was removed from the schedule', () => {
    given(placeDecider, [created, added('s1', tomorrow), removed('s1')])
      .when(command)
      .then([added('s1', tomorrow)]);
  });

  it('refuses a place that does not exist', () => {
    given(placeDecider, []).when(command).thenThrows('place_not_found');
  });

  it('refuses a place that was deleted', () => {
    given(placeDecider, [created, deleted]).when(command).thenThrows('place_not_found');
  });

  it('refuses a user who is not the host of the place', () => {
    given(placeDecider, [created])
      .when({ ...command, hostId: 'host-2' })
      .thenThrows('not_place_host');
  });
});

describe('RemoveScreeningFromPlace', () => {
  const command = { type: 'RemoveScreeningFromPlace' as const, placeId, screeningId: 's1' };

  it('removes a screening from the schedule of the place', () => {
    given(placeDecider, [created, added('s1', tomorrow)])
      .when(command)
      .then([removed('s1')]);
  });

  it('does nothing when the screening is not on the schedule', () => {
    given(placeDecider, [created, added('s2', tomorrow)])
      .when(command)
      .thenNothing();
  });

  it('does nothing when the screening was already removed', () => {
    given(placeDecider, [created, added('s1', tomorrow), removed('s1')])
      .when(command)
      .thenNothing();
  });

  it('does nothing when the place does not exist', () => {
    given(placeDecider, []).when(command).thenNothing();
  });
});

describe('DeletePlace', () => {
  const command = { type: 'DeletePlace' as const, placeId, hostId, now };
  const deletedNow: PlaceEvent = {
    type: 'PlaceDeleted',
    data: { placeId, deletedAt: now.toISOString() },
  };

  it('deletes a place with an empty schedule', () => {
    given(placeDecider, [created]).when(command).then([deletedNow]);
  });

  it('deletes a place once every listed screening has started', () => {
    given(placeDecider, [created, added('s1', yesterday), added('s2', now)])
      .when(command)
      .then([deletedNow]);
  });

  it('deletes a place once its upcoming screenings were removed from the schedule', () => {
    given(placeDecider, [created, added('s1', tomorrow), removed('s1')])
      .when(command)
      .then([deletedNow]);
  });

  it('refuses while a screening is scheduled and not yet started, naming it', () => {
    const error = given(placeDecider, [
      created,
      added('s1', yesterday),
      added('s2', tomorrow),
      added('s3', new Date(now.getTime() + 1)),
    ])
      .when(command)
      .thenThrows('place_has_scheduled_screenings');
    expect(error.details).toEqual({ screeningIds: ['s2', 's3'] });
  });

  it('refuses a place that does not exist', () => {
    given(placeDecider, []).when(command).thenThrows('place_not_found');
  });

  it('refuses a place that was already deleted', () => {
    given(placeDecider, [created, deleted]).when(command).thenThrows('place_not_found');
  });

  it('refuses a user who is not the host of the place', () => {
    given(placeDecider, [created])
      .when({ ...command, hostId: 'host-2' })
      .thenThrows('not_place_host');
  });
});
