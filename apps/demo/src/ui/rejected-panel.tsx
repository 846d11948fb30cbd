import type { RejectedCommand } from '@tidelog/core';
import { useAggregate, useRejected } from '@tidelog/react';
import { Card, cardStream } from '../domain/card.js';
import { cardIdOf, describeCommand } from './describe-command.js';
import { reasonOf, useNotify } from './notices.js';

type Actions = Pick<ReturnType<typeof useRejected>, 'retry' | 'discard'>;

/** The card stream a command is about (a board command names its card; a card command is on it). */
const cardStreamOf = (item: RejectedCommand): string => {
  const cardId = cardIdOf(item.entry);
  if (cardId) return cardStream(cardId);
  return item.entry.aggregateType === 'card' ? item.entry.streamId : cardStream('-');
};

function RejectedRow({ item, retry, discard }: { item: RejectedCommand } & Actions) {
  const notify = useNotify();
  const card = useAggregate(Card, cardStreamOf(item));
  const title = card.state.exists ? card.state.title : undefined;
  const id = item.entry.commandId;
  return (
    <li data-testid="rejected" className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
      <div className="min-w-0 flex-1">
        <p className="font-medium text-rose-950">{describeCommand(item.entry, title)}</p>
        <p className="text-sm text-rose-800" data-testid="rejected-reason">
          {item.error.message} <span className="text-rose-600/70">({item.error.code})</span>
        </p>
      </div>
      <div className="flex gap-2">
        <button
          type="button"
          onClick={() => retry(id).catch((error: unknown) => notify(`Still refused: ${reasonOf(error)}`))}
          className="rounded-md bg-white px-3 py-1 text-sm font-medium text-rose-900 shadow-sm ring-1 ring-rose-200 hover:bg-rose-100"
        >
          Retry
        </button>
        <button
          type="button"
          onClick={() => discard([id]).catch((error: unknown) => notify(reasonOf(error)))}
          className="rounded-md px-3 py-1 text-sm font-medium text-rose-800 hover:bg-rose-100"
        >
          Discard
        </button>
      </div>
    </li>
  );
}

/**
 * Commands of this device that the board refused once they met the other devices' changes
 * (e.g. a move into a column another device filled first), each with its reason.
 */
export function RejectedPanel() {
  const { rejected, retry, discard } = useRejected();
  if (rejected.length === 0) return null;
  return (
    <section
      aria-label="Refused changes"
      role="alert"
      className="mx-4 mt-4 rounded-xl border border-rose-200 bg-rose-50 px-4 py-2 sm:mx-6"
    >
      <h2 className="pt-1 text-sm font-semibold text-rose-900">
        {rejected.length === 1 ? 'One change was refused' : `${rejected.length} changes were refused`} after
        syncing
      </h2>
      <ul className="divide-y divide-rose-200">
        {rejected.map((item) => (
          <RejectedRow key={item.entry.commandId} item={item} retry={retry} discard={discard} />
        ))}
      </ul>
    </section>
  );
}
