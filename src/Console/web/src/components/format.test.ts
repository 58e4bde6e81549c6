import { describe, expect, it } from 'vitest';
import { describeRemaining } from './format';

describe('describeRemaining', () => {
  const now = Date.parse('2026-11-23T09:00:00+08:00');

  it('counts down hours and minutes before a deadline', () => {
    expect(describeRemaining('2026-11-23T11:15:00+08:00', now)).toEqual({ text: '还剩 2小时15分', overdue: false, minutesLeft: 135 });
  });

  it('says how long a deadline has been missed, in days and hours', () => {
    const r = describeRemaining('2026-11-22T06:00:00+08:00', now);
    expect(r.overdue).toBe(true);
    expect(r.text).toBe('已超时 1天3小时');
  });
});
