import { describe, expect, it } from 'vitest';
import { dayKinds } from './YearCalendar';
import { smsSegments } from './TemplatesPage';

describe('dayKinds', () => {
  it('marks every day of each holiday period and the make-up working weekends', () => {
    const kinds = dayKinds({
      year: 2026,
      title: '国务院办公厅关于2026年部分节假日安排的通知',
      source: null,
      holidays: [{ name: '国庆节', from: '2026-10-01', to: '2026-10-07' }],
      workingWeekendDays: ['2026-10-10'],
    });
    expect([...kinds.keys()].filter((d) => kinds.get(d)?.kind === 'holiday')).toHaveLength(7);
    expect(kinds.get('2026-10-07')).toEqual({ kind: 'holiday', name: '国庆节' });
    expect(kinds.get('2026-10-08')).toBeUndefined();
    expect(kinds.get('2026-10-10')).toEqual({ kind: 'working-weekend' });
  });
});

describe('smsSegments', () => {
  it('counts 70 characters as one text and 67 per part beyond', () => {
    expect(smsSegments('字'.repeat(70))).toBe(1);
    expect(smsSegments('字'.repeat(71))).toBe(2);
    expect(smsSegments('字'.repeat(134))).toBe(2);
    expect(smsSegments('字'.repeat(135))).toBe(3);
  });
});
