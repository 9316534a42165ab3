/** Commands on a place. Time (`now`) arrives on the command; the domain has no clock. */
export type PlaceCommand =
  | {
      readonly type: 'CreatePlace';
      readonly placeId: string;
      readonly hostId: string;
      readonly name: string;
      readonly address: string | null;
      readonly description: string | null;
      readonly timeZone?: string | null;
      readonly now: Date;
    }
  | {
      /** Reserves the screening in the place's schedule before the screening stream is created. */
      readonly type: 'AddScreeningToPlace';
      readonly placeId: string;
      readonly hostId: string;
      readonly screeningId: string;
      readonly startsAt: Date;
    }
  | {
      readonly type: 'RemoveScreeningFromPlace';
      readonly placeId: string;
      readonly screeningId: string;
    }
  | {
      readonly type: 'DeletePlace';
      readonly placeId: string;
      readonly hostId: string;
      readonly now: Date;
    };
