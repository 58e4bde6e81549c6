import type { Ticket } from '../../api/types';

/**
 * Whether an urge refused as stale (409) may be sent again on the ticket the host now holds.
 *
 * The overdue list shows a ticket as soon as its deadline has passed, while the overdue check records the mark on the ticket
 * up to a minute later; that mark moves the version, so an urge made in between was refused although nothing the supervisor
 * decided on had changed. An urge depends only on who holds the ticket, in which state, against which deadlines, and how often
 * it was already urged: when all of that is as the page showed it, the urge stands. Anything else — another supervisor's urge,
 * a signature, an approved extension, a redispatch — still comes back to the person as a conflict.
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
