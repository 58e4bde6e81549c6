import { describe, expect, it } from 'vitest';
import { cityTotals, periodName, topLines, trendDates, type DepartmentLine } from './assessment';

function line(id: string, parentId: string | null, levels: number[], satisfied: [number, number], bad: number): DepartmentLine {
  return {
    id,
    name: id,
    kind: parentId ? 'Functional' : 'Centre',
    parentId,
    includesSubordinates: false,
    score: null,
    rank: null,
    rankedAmong: 0,
    previousScore: null,
    change: null,
    ratingsByLevel: Object.fromEntries(levels.map((n, i) => [String(i + 1), n])),
    figures: {
      satisfactionRate: { label: '满意率', met: satisfied[0], counted: satisfied[1], rate: satisfied[1] ? satisfied[0] / satisfied[1] : null },
      badReviews: { label: '差评', met: bad, counted: bad, rate: null },
    },
  };
}

describe('the dashboard sums', () => {
  // The centre's line already holds both departments' figures (the host rolls them up).
  const lines = [
    line('centre', null, [0, 1, 0, 1, 1], [2, 3], 1),
    line('city-housing', 'centre', [0, 1, 0, 0, 1], [1, 2], 1),
    line('city-environment', 'centre', [0, 0, 0, 1, 0], [1, 1], 0),
  ];

  it('counts the city once, from the top of the hierarchy', () => {
    expect(topLines(lines).map((l) => l.id)).toEqual(['centre']);
    const totals = cityTotals(lines);
    expect(totals.ratings).toBe(3);
    expect(totals.ratingsByLevel).toEqual({ 1: 0, 2: 1, 3: 0, 4: 1, 5: 1 });
    expect(totals.satisfactionRate).toBeCloseTo(2 / 3);
    expect(totals.badReviews).toBe(1);
  });

  it('treats a line whose parent is not visible as a top line', () => {
    expect(topLines(lines.slice(1)).map((l) => l.id)).toEqual(['city-housing', 'city-environment']);
    expect(cityTotals(lines.slice(1)).ratings).toBe(3);
  });

  it('has no satisfaction rate without ratings', () => {
    expect(cityTotals([]).satisfactionRate).toBeNull();
  });

  it('steps back whole periods for the trend, oldest first', () => {
    expect(trendDates('month', '2026-11-01', 3)).toEqual(['2026-09-01', '2026-10-01', '2026-11-01']);
    expect(trendDates('quarter', '2026-10-01', 2)).toEqual(['2026-07-01', '2026-10-01']);
    expect(trendDates('week', '2026-11-23', 2)).toEqual(['2026-11-16', '2026-11-23']);
    expect(periodName({ kind: 'quarter', from: '2026-10-01', to: '2026-12-31' })).toBe('2026 Q4');
  });
});
