import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../api/types';
import { actionsFor, groupOf, isOverdue, mergeTicket, partOf } from './inbox';

const running = { due: '2026-11-25T00:00:00+08:00', status: 'running', statusLabel: '进行中' };

function ticket(overrides: Partial<Ticket>): Ticket {
  return {
    id: 't1',
    trackingCode: 'ABCDEFGH23',
    version: 3,
    type: 'Complaint',
    typeLabel: '投诉',
    urgency: 'Normal',
    urgencyLabel: '一般',
    categoryId: null,
    areaId: null,
    channel: 'Web',
    state: 'Dispatched',
    stateLabel: '待签收',
    closure: null,
    citizen: { phone: null, name: null, anonymous: false, masked: true },
    title: '路灯不亮',
    content: '路灯不亮',
    address: null,
    attachments: [],
    leadDepartment: { id: 'city-housing', name: '市住房和城乡建设局' },
    coHandlers: [{ id: 'city-environment', name: '市生态环境局' }],
    receivedAt: '2026-11-23T09:00:00+08:00',
    dispatchedAt: '2026-11-23T09:00:00+08:00',
    signedAt: null,
    repliedAt: null,
    closedAt: null,
    signDeadline: running,
    replyDeadline: running,
    returnDeadline: running,
    pendingExtension: null,
    extensionDaysGranted: 0,
    dispatchCount: 1,
    approvedReturnCount: 0,
    urgeCount: 0,
    designated: false,
    callback: null,
    publicReply: null,
    mergedIntoId: null,
    transferredTo: null,
    notAcceptedReason: null,
    ...overrides,
  };
}

describe('the department inbox rules', () => {
  it('groups tickets as a handler works through them', () => {
    expect(groupOf(ticket({ state: 'Dispatched' }))).toBe('toSign');
    expect(groupOf(ticket({ state: 'Signed' }))).toBe('handling');
    expect(groupOf(ticket({ state: 'ReturnRequested' }))).toBe('returning');
    expect(groupOf(ticket({ state: 'Closed' }))).toBe('done');
  });

  it('tells the lead from a co-handler', () => {
    expect(partOf(ticket({}), 'city-housing')).toBe('lead');
    expect(partOf(ticket({}), 'city-environment')).toBe('coHandler');
    expect(partOf(ticket({}), 'city-transport')).toBe('none');
    expect(partOf(ticket({}), null)).toBe('none');
  });

  it('offers the lead sign and return before signing, then reply, extension and return', () => {
    expect(actionsFor(ticket({ state: 'Dispatched' }), 'lead')).toEqual(['sign', 'return']);
    expect(actionsFor(ticket({ state: 'Signed' }), 'lead')).toEqual(['reply', 'extension', 'return']);
    expect(actionsFor(ticket({ state: 'ReturnRequested' }), 'lead')).toEqual([]);
  });

  it('offers no return once the window closed or the centre designated the department, and one extension request at a time', () => {
    const closed = { ...running, status: 'closed', statusLabel: '已过期限' };
    expect(actionsFor(ticket({ state: 'Dispatched', returnDeadline: closed }), 'lead')).toEqual(['sign']);
    expect(actionsFor(ticket({ state: 'Signed', designated: true }), 'lead')).toEqual(['reply', 'extension']);
    expect(actionsFor(ticket({ state: 'Signed', pendingExtension: { days: 3, reason: '会商' } }), 'lead')).toEqual(['reply', 'return']);
  });

  it('offers a co-handler only its opinion, while the lead is handling', () => {
    expect(actionsFor(ticket({ state: 'Signed' }), 'coHandler')).toEqual(['opinion']);
    expect(actionsFor(ticket({ state: 'Replied' }), 'coHandler')).toEqual([]);
  });

  it('marks a ticket overdue when the host says a deadline passed', () => {
    expect(isOverdue(ticket({}))).toBe(false);
    expect(isOverdue(ticket({ replyDeadline: { ...running, status: 'overdue', statusLabel: '已超时' } }))).toBe(true);
  });
});

describe('a live change merged into the open list', () => {
  const older = ticket({ id: 'a', receivedAt: '2026-11-22T09:00:00+08:00' });
  const newer = ticket({ id: 'c', receivedAt: '2026-11-24T09:00:00+08:00' });

  it('puts a new dispatch in its place, newest first', () => {
    const arrived = ticket({ id: 'b', receivedAt: '2026-11-23T09:00:00+08:00' });
    expect(mergeTicket([newer, older], arrived, 'city-housing').map((t) => t.id)).toEqual(['c', 'b', 'a']);
  });

  it('replaces a ticket with its newer version, never with an older one', () => {
    const signed = ticket({ id: 'a', receivedAt: older.receivedAt, state: 'Signed', version: 4 });
    expect(mergeTicket([older], signed, 'city-housing')[0].state).toBe('Signed');
    expect(mergeTicket([signed], older, 'city-housing')[0].state).toBe('Signed');
  });

  it('drops a ticket that is replied, or that the type filter hides', () => {
    expect(mergeTicket([older], ticket({ id: 'a', state: 'Replied', version: 5 }), 'city-housing')).toEqual([]);
    expect(mergeTicket([], ticket({ id: 'd' }), 'city-housing', '咨询')).toEqual([]);
    expect(mergeTicket([], ticket({ id: 'd' }), 'city-transport')).toEqual([]);
  });
});
