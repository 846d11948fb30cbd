/**
 * @module @tidelog/client/testing
 * Test offline and conflict behaviour in vitest the way Tidelog tests its own sync: the
 * real sync server in-process (`createTestServer`), a link that drops, refuses and cuts
 * (`createTestLink`), and devices with their own fake-indexeddb (`createTestDevice`).
 * Needs `@tidelog/server` and `fake-indexeddb` as dev dependencies of the app.
 *
 * @example
 * const server = await createTestServer();
 * const phone = createTestDevice({ server, space: 'team-1' });
 * const tidelog = await createTidelog({ aggregates: [Todo], ...phone.options() });
 */

export { createTestDevice, type TestDevice, type TestDeviceOptions } from './device.js';
export { createTestLink, type LinkFault, type LinkRecord, type TestLink } from './link.js';
export { createTestServer, type TestServer, type TestServerOptions } from './server.js';
