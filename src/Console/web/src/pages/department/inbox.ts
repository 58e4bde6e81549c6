import type { Ticket } from '../../api/types';

// What a department may do with each of its tickets, decided from the ticket alone. The host checks every rule again (Ticket.cs):
// these only spare a handler buttons that would be refused.

/** The inbox's groups, in the order a handler works through them. */
export type InboxGroup = 'toSign' | 'handling' | 'returning' | 'done';

export const groupLabels: Record<InboxGroup, string> = {
  toSign: '待签收',
  handling: '办理中',
  returning: '退单审核中',
  done: '已答复',
};

/** States of the tickets still in the department's hands; the rest are done (replied, called back, closed). */
export const openStates = ['Dispatched', 'Signed', 'ReturnRequested'];
export const doneStates = ['Replied', 'CalledBack', 'Closed'];

export function groupOf(ticket: Ticket): InboxGroup {
  switch (ticket.state) {
    case 'Dispatched':
      return 'toSign';
    case 'Signed':
      return 'handling';
    case 'ReturnRequested':
      return 'returning';
    default:
      return 'done';
  }
}

export type Part = 'lead' | 'coHandler' | 'none';

/** Whether the department leads the ticket (主办) or helps (协办). */
export function partOf(ticket: Ticket, departmentId: string | null | undefined): Part {
  if (!departmentId) return 'none';
  if (ticket.leadDepartment?.id === departmentId) return 'lead';
  return ticket.coHandlers.some((c) => c.id === departmentId) ? 'coHandler' : 'none';
}

export type Action = 'sign' | 'reply' | 'return' | 'extension' | 'opinion';

export const actionLabels: Record<Action, string> = {
  sign: '签收',
  reply: '答复',
  return: '退单',
  extension: '申请延期',
  opinion: '协办意见',
};

/** The actions open to the department on this ticket now, most usual first. */
export function actionsFor(ticket: Ticket, part: Part): Action[] {
  if (part === 'coHandler') return ticket.state === 'Dispatched' || ticket.state === 'Signed' ? ['opinion'] : [];
  if (part !== 'lead') return [];
  const returnOpen = !ticket.designated && ticket.returnDeadline?.status === 'running';
  switch (ticket.state) {
    case 'Dispatched':
      return returnOpen ? ['sign', 'return'] : ['sign'];
    case 'Signed': {
      const actions: Action[] = ['reply'];
      if (!ticket.pendingExtension) actions.push('extension');
      if (returnOpen) actions.push('return');
      return actions;
    }
    default:
      return [];
  }
}

/** A deadline that has passed while the ticket is still open (the host's "overdue" status). */
export function isOverdue(ticket: Ticket): boolean {
  return ticket.signDeadline?.status === 'overdue' || ticket.replyDeadline?.status === 'overdue';
}

/** The deadline that matters now: signing while unsigned, else the reply. */
export function currentDeadline(ticket: Ticket) {
  return ticket.state === 'Dispatched' ? { label: '签收', deadline: ticket.signDeadline } : { label: '办结', deadline: ticket.replyDeadline };
}

/**
 * The open list after one ticket changed (a live event, the ticket fetched again): replaced where it was — unless the list
 * already holds a newer version — added at its place when it is open and the department's (newest first, as the host lists
 * them), removed when it is no longer open or no longer the department's. `type` is the list's type filter, if any.
 */
export function mergeTicket(list: Ticket[], ticket: Ticket, departmentId: string | null | undefined, type?: string): Ticket[] {
  const existing = list.find((t) => t.id === ticket.id);
  if (existing && existing.version > ticket.version) return list;
  const rest = list.filter((t) => t.id !== ticket.id);
  const belongs = openStates.includes(ticket.state) && partOf(ticket, departmentId) !== 'none' && (!type || ticket.typeLabel === type);
  if (!belongs) return existing ? rest : list;
  const at = rest.findIndex((t) => t.receivedAt < ticket.receivedAt || (t.receivedAt === ticket.receivedAt && t.id < ticket.id));
  return at < 0 ? [...rest, ticket] : [...rest.slice(0, at), ticket, ...rest.slice(at)];
}
