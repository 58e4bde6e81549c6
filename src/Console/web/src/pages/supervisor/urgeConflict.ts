import type { Ticket } from '../../api/types';

/**
 * Whether an urge refused as stale (409) may be sent again on the ticket the host now holds.
 *
 * The host already accepts an action whose only intervening changes were overdue marks (the overdue list shows a ticket as soon
 * as its deadline passes; the check records the mark up to a minute later). Other changes move the version too without touching
 * what an urge depends on — a citizen's follow-up, a co-handler's opinion, another note. An urge depends only on who holds the
 * ticket, in which state, against which deadlines, and how often it was already urged: when all of that is as the page showed
 * it, the urge stands. Anything else — another supervisor's urge, a signature, an approved extension, a redispatch — still
 * comes back to the person as a conflict.
 */
export function urgeStillApplies(shown: Ticket, current: Ticket): boolean {
  return (
    current.id === shown.id &&
    current.state === shown.state &&
    current.leadDepartment?.id === shown.leadDepartment?.id &&
    current.urgeCount === shown.urgeCount &&
    current.signDeadline?.due === shown.signDeadline?.due &&
    current.replyDeadline?.due === shown.replyDeadline?.due &&
    current.extensionDaysGranted === shown.extensionDaysGranted &&
    (current.pendingExtension?.days ?? null) === (shown.pendingExtension?.days ?? null)
  );
}
