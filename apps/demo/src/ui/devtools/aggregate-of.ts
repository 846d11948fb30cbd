import { BOARD_STREAM, Board } from '../../domain/board.js';
import { Card } from '../../domain/card.js';

/** The aggregate behind a stream of the demo: the board, or a card. */
export const aggregateOf = (streamId: string) => (streamId === BOARD_STREAM ? Board : Card);
