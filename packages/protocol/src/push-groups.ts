import type { IssueList } from './issues.js';
import type { PushedEvent } from './types.js';

/**
 * The checks across the events of one push: ids unique within the push, and each
 * stream's events (in array order; other streams may be interleaved) with contiguous,
 * ascending versions. Both are a 400: a correct client never sends either, and the store
 * may then take a push as whole stream groups without guessing what was meant.
 *
 * @example
 * const issues = new IssueList();
 * checkPushGroups([{ ...e1, version: 1 }, { ...e2, version: 3 }], issues);
 * issues.issues[0].path; // 'events[1].version'
 */
export function checkPushGroups(events: readonly PushedEvent[], issues: IssueList): void {
  const firstIndexOfId = new Map<string, number>();
  // Index of each stream's latest event so far: its version is read from `events`.
  const lastOfStream = new Map<string, number>();
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const seen = firstIndexOfId.get(event.id);
    if (seen !== undefined) issues.add(`events[${i}].id`, `duplicates the id of events[${seen}]`);
    else firstIndexOfId.set(event.id, i);
    const last = lastOfStream.get(event.streamId);
    const lastVersion = last === undefined ? undefined : events[last]!.version;
    if (lastVersion !== undefined && event.version !== lastVersion + 1) {
      issues.add(
        `events[${i}].version`,
        `must be ${lastVersion + 1}: events of stream "${event.streamId}" need contiguous, ascending versions (events[${last}] has version ${lastVersion})`,
      );
    }
    lastOfStream.set(event.streamId, i);
  }
}
