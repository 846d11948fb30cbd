/**
 * The client's listener sets are core's `StoreListeners`: a listener that throws is
 * reported and does not stop the others; the same function added twice is two
 * subscriptions.
 *
 * @example
 * const listeners = new Listeners<number>();
 * const off = listeners.add((n) => console.log(n));
 * listeners.emit(1);
 * off();
 */
export { StoreListeners as Listeners } from '@tidelog/core/store-kit';
