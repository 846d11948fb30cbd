/**
 * The demo's SharedWorker: one per board and origin (its name says which board), holding
 * the board's runtime, its IndexedDB store and its one sync loop for every tab.
 */
import { serveTidelog } from '@tidelog/client/worker';
import { createDemoRuntime, syncOptions } from './runtime.js';
import { boardOfRuntime } from './space.js';

const board = boardOfRuntime((globalThis as unknown as { name: string }).name);
if (!board) throw new Error(`tidelog demo: this worker serves no board (name ${JSON.stringify(self.name)})`);

serveTidelog((init) => createDemoRuntime(board, init), { sync: syncOptions(board, self.location.origin) });
