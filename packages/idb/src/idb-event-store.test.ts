import 'fake-indexeddb/auto';
import { runEventStoreConformance, runLocalStoreConformance } from '@tidelog/core/testing';
import { openIdbEventStore } from './open-idb-event-store.js';

let n = 0;
const fresh = () => openIdbEventStore({ name: `conformance-${n++}` });

runEventStoreConformance({ name: 'IdbEventStore conformance (fake-indexeddb)', newStore: fresh });

runLocalStoreConformance({ name: 'IdbEventStore local-store conformance (fake-indexeddb)', newStore: fresh });
