import { serializeError, ValidationError } from '@tidelog/core';
import { type TransferHandler, transferHandlers } from 'comlink';
import { describe, expect, it } from 'vitest';
import { registerErrorSending } from './error-transfer.js';

// A serving realm installs only the sending half: what it receives keeps name, code and fields.
describe('registerErrorSending', () => {
  registerErrorSending();
  const handler = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, unknown>;

  it('sends an error with its name, code and fields', () => {
    const [wire] = handler.serialize({ value: new ValidationError('bad', [{ path: 'a', message: 'm' }]) });
    expect(wire).toEqual({
      isError: true,
      value: {
        name: 'ValidationError',
        code: 'VALIDATION_ERROR',
        message: 'bad',
        details: { issues: [{ path: 'a', message: 'm' }] },
      },
    });
  });

  it('rebuilds a received error as an Error with the same name, code, message and fields', () => {
    const serialized = serializeError(new ValidationError('bad', [{ path: 'a', message: 'm' }]));
    let thrown: unknown;
    try {
      handler.deserialize({ isError: true, value: serialized });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({
      name: 'ValidationError',
      code: 'VALIDATION_ERROR',
      message: 'bad',
      issues: [{ path: 'a', message: 'm' }],
      details: { issues: [{ path: 'a', message: 'm' }] },
    });
  });

  it('passes a thrown value that is not an error as it is', () => {
    expect(() => handler.deserialize({ isError: false, value: 'plain' })).toThrow('plain');
  });
});
