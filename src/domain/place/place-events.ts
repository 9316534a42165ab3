/** Events of a place stream (`place-<id>`). */
export type PlaceEvent =
  | {
      readonly type: 'PlaceCreated';
      readonly data: {
        readonly placeId: string;
        readonly hostId: string;
        readonly name: string;
        readonly address: string | null;
        readonly description: string | null;
        readonly createdAt: string;
        /** IANA time zone the place's times are shown in; absent: the deployment's default. */
        readonly timeZone?: string;
      };
    }
  | {
      readonly type: 'ScreeningAddedToPlace';
      readonly data: {
        readonly placeId: string;
        readonly screeningId: string;
        readonly startsAt: string;
      };
    }
  | {
      readonly type: 'ScreeningRemovedFromPlace';
      readonly data: { readonly placeId: string; readonly screeningId: string };
    }
  | {
      readonly type: 'PlaceDeleted';
      readonly data: { readonly placeId: string; readonly deletedAt: string };
    };

export type PlaceEventType = PlaceEvent['type'];

export const placeEventTypes: readonly PlaceEventType[] = [
  'PlaceCreated',
  'ScreeningAddedToPlace',
  'ScreeningRemovedFromPlace',
  'PlaceDeleted',
];
