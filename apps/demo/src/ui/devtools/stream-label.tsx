import { useAggregate } from '@tidelog/react';
import { Card } from '../../domain/card.js';

/** A stream as a person knows it: `board`, or the card's title. */
export function StreamLabel({ streamId }: { streamId: string }) {
  if (!streamId.startsWith('card/')) return <span>{streamId}</span>;
  return <CardLabel streamId={streamId} />;
}

function CardLabel({ streamId }: { streamId: string }) {
  const { state } = useAggregate(Card, streamId);
  return (
    <span title={streamId} className="inline-block max-w-[10rem] truncate align-bottom">
      <span className="text-slate-500">card </span>
      {state.exists ? state.title : streamId.slice(5, 13)}
    </span>
  );
}
