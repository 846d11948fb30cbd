import { runServerStoreConformance } from './conformance/index.js';
import { createMemoryServerStore } from './memory.js';

runServerStoreConformance({ name: 'memory server store', newStore: () => createMemoryServerStore() });
