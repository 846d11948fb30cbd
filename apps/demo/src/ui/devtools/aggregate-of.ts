import { BOARD_STREAM, Board } from '../../domain/board.js';
import { Card } from '../../domain/card.js';

/** The aggregate behind a stream of the demo: the board, or a card. */
export const aggregateOf = (streamId: string) => (streamId === BOARD_STREAM ? Board : Card);

/** A stream's short name for narrow columns: `board`, `card 0193ab…`. */
export const shortStream = (streamId: string): string =>
  streamId.startsWith('card/') ? `card ${streamId.slice(5, 13)}…` : streamId;
