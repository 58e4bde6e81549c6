import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../api/types';
import { urgeStillApplies } from './urgeConflict';

const shown = {
  id: 't1',
  version: 4,
  state: 'Dispatched',
  leadDepartment: { id: 'city-housing', name: '市住房和城乡建设局' },
  urgeCount: 0,
  signDeadline: { due: '2026-11-24T16:00:00Z', status: 'Overdue', statusLabel: '已超时' },
  replyDeadline: { due: '2026-12-14T16:00:00Z', status: 'Running', statusLabel: '办理中' },
  extensionDaysGranted: 0,
  pendingExtension: null,
} as unknown as Ticket;

describe('an urge refused as stale', () => {
  it('goes again when only the version moved (the overdue check marked the ticket)', () => {
    expect(urgeStillApplies(shown, { ...shown, version: 5 })).toBe(true);
  });

  it('comes back to the supervisor when anything an urge depends on changed', () => {
    const changes: Partial<Ticket>[] = [
      { urgeCount: 1 },
      { state: 'Signed' },
      { leadDepartment: { id: 'city-transport', name: '市交通运输局' } },
      { replyDeadline: { due: '2026-12-16T16:00:00Z', status: 'Running', statusLabel: '办理中' } },
      { signDeadline: null },
      { extensionDaysGranted: 2 },
      { pendingExtension: { days: 2, reason: '需核实' } },
      { id: 't2' },
    ];
    for (const change of changes) {
      expect(urgeStillApplies(shown, { ...shown, version: 5, ...change }), JSON.stringify(change)).toBe(false);
    }
  });
});
