import { EventStoreDbEventStore } from '../../src/eventstore/eventstoredb/eventstoredb-event-store.js';
import { describeEventStoreConformance } from './event-store-conformance.js';

const url = process.env.EVENTSTORE_URL;

// Streams get random ids in the suite, so runs share the server without cleaning up data.
describeEventStoreConformance(
  'EventStoreDbEventStore',
  url
    ? async () => {
        const store = new EventStoreDbEventStore(url);
        return { store, cleanup: () => store.close() };
      }
    : undefined,
  url ? undefined : 'EVENTSTORE_URL not set',
);
