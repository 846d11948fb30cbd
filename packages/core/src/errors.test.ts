import { describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  ConfirmConflictError,
  DomainError,
  DuplicateEventError,
  deserializeError,
  RemoteError,
  serializeError,
  ValidationError,
} from './errors.js';

describe('errors', () => {
  it('carry stable codes and fields through JSON', () => {
    const cases = [
      new ConcurrencyError('cart-1', 2, 3),
      new DomainError('nope', { code: 'CART_EMPTY', data: { why: 'empty' } }),
      new ValidationError('bad', [{ path: 'events[0].data', message: 'not an object' }]),
      new DuplicateEventError('0193-id'),
      new ConfirmConflictError('0193-a', 's', 2, 7, '0193-b'),
    ];
    for (const error of cases) {
      const back = deserializeError(JSON.parse(JSON.stringify(serializeError(error))));
      expect(back).toBeInstanceOf(error.constructor);
      expect([back.name, (back as unknown as { code: string }).code, back.message]).toEqual([
        error.name,
        error.code,
        error.message,
      ]);
    }
    const conflict = deserializeError(
      serializeError(new ConcurrencyError('s', 'no_stream', 4)),
    ) as ConcurrencyError;
    expect([conflict.streamId, conflict.expectedVersion, conflict.actualVersion]).toEqual([
      's',
      'no_stream',
      4,
    ]);
  });

  it('keep name, code and fields of errors they do not know', () => {
    const back = deserializeError({ name: 'QuotaError', code: 'QUOTA', message: 'x', details: { limit: 5 } });
    expect(back).toBeInstanceOf(RemoteError);
    expect(back).toMatchObject({ name: 'QuotaError', code: 'QUOTA', limit: 5 });
    expect(serializeError('plain')).toEqual({ name: 'Error', code: 'INTERNAL', message: 'plain' });
  });
});
