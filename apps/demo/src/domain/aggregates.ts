import { Board } from './board.js';
import { Card } from './card.js';

/** The app's aggregates: one list, so the worker's runtime and the page's client agree. */
export const aggregates = [Board, Card] as const;
export type DemoAggregate = (typeof aggregates)[number];
