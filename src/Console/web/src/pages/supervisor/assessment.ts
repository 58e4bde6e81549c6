import dayjs from 'dayjs';

// The assessment as the host reports it (src/Feedback/Assessment/AssessmentEndpoints.cs), and the sums the dashboard draws.

export interface Figure {
  label: string;
  met: number;
  counted: number;
  rate: number | null;
}

export interface DepartmentLine {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  includesSubordinates: boolean;
  score: number | null;
  rank: number | null;
  rankedAmong: number;
  previousScore: number | null;
  change: number | null;
  ratingsByLevel: Record<string, number>;
  figures: Record<string, Figure>;
}

export interface PeriodView {
  kind: string;
  from: string;
  to: string;
}

export interface AssessmentReport {
  period: PeriodView;
  previous: PeriodView;
  weights: Record<string, number>;
  departments: DepartmentLine[];
}

export interface DrillTicket {
  id: string;
  trackingCode: string;
  title: string;
  type: string;
  state: string;
  leadDepartmentId: string | null;
  receivedAt: string;
}

export interface DrillDown {
  department: string;
  metric: string;
  label: string;
  outcome: string;
  total: number;
  tickets: DrillTicket[];
}

export type PeriodKind = 'day' | 'week' | 'month' | 'quarter';

export const periodKinds: { value: PeriodKind; label: string }[] = [
  { value: 'day', label: '日' },
  { value: 'week', label: '周' },
  { value: 'month', label: '月' },
  { value: 'quarter', label: '季度' },
];

/** The five levels, best first, with the colours the charts use (差评 in red). */
export const levels = [
  { level: 5, label: '非常满意', color: '#389e0d' },
  { level: 4, label: '满意', color: '#7cb305' },
  { level: 3, label: '基本满意', color: '#d4b106' },
  { level: 2, label: '不满意', color: '#fa541c' },
  { level: 1, label: '非常不满意', color: '#cf1322' },
];

/** Figures the drill-down offers, in the order supervisors read them (keys as the API names them). */
export const metrics: { key: string; label: string; rate: boolean }[] = [
  { key: 'responseRate', label: '响应率', rate: true },
  { key: 'onTimeSignRate', label: '按时签收率', rate: true },
  { key: 'onTimeCompletionRate', label: '按时办结率', rate: true },
  { key: 'solutionRate', label: '解决率', rate: true },
  { key: 'satisfactionRate', label: '满意率', rate: true },
  { key: 'firstContactResolutionRate', label: '一次办结率', rate: true },
  { key: 'returnRate', label: '退单率', rate: true },
  { key: 'improperReturns', label: '不当退单', rate: false },
  { key: 'repeatRate', label: '重复诉求率', rate: true },
  { key: 'badReviews', label: '差评', rate: false },
  { key: 'rectifiedOnTime', label: '差评按时整改率', rate: true },
  { key: 'realNameCallbackRate', label: '实名差评回访率', rate: true },
  { key: 'appealsUpheld', label: '申诉成立', rate: false },
];

export const kindLabels: Record<string, string> = {
  Centre: '热线中心',
  Functional: '职能部门',
  DistrictGovernment: '区政府',
  StreetOffice: '街道办事处',
  Enterprise: '公共服务企业',
};

/**
 * The lines at the top of the hierarchy. Each line already includes every unit under it (the host rolls figures up), so the
 * whole city is the sum of the top lines — adding every line would count a street's tickets in its district and again in it.
 */
export function topLines(lines: DepartmentLine[]): DepartmentLine[] {
  const ids = new Set(lines.map((l) => l.id));
  return lines.filter((l) => !l.parentId || !ids.has(l.parentId));
}

export interface CityTotals {
  ratingsByLevel: Record<number, number>;
  ratings: number;
  satisfied: number;
  satisfactionRate: number | null;
  badReviews: number;
}

export function cityTotals(lines: DepartmentLine[]): CityTotals {
  const byLevel: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let satisfied = 0;
  let counted = 0;
  let bad = 0;
  for (const line of topLines(lines)) {
    for (const l of [1, 2, 3, 4, 5]) byLevel[l] += line.ratingsByLevel[String(l)] ?? 0;
    satisfied += line.figures.satisfactionRate?.met ?? 0;
    counted += line.figures.satisfactionRate?.counted ?? 0;
    bad += line.figures.badReviews?.met ?? 0;
  }
  const ratings = Object.values(byLevel).reduce((a, b) => a + b, 0);
  return { ratingsByLevel: byLevel, ratings, satisfied, satisfactionRate: counted > 0 ? satisfied / counted : null, badReviews: bad };
}

/** Departments worth a bar: not the centre (its line is the whole city), and with something counted in one of the figures. */
export function assessedDepartments(lines: DepartmentLine[], keys: string[]): DepartmentLine[] {
  return lines.filter((l) => l.kind !== 'Centre' && keys.some((k) => (l.figures[k]?.counted ?? 0) > 0 || (l.figures[k]?.met ?? 0) > 0));
}

/** A department's name as a chart axis shows it, marking lines that include the units under them. */
export function lineName(line: DepartmentLine): string {
  return line.includesSubordinates ? `${line.name}（含下级）` : line.name;
}

/** The dates (yyyy-MM-dd) of the `count` periods ending with the one starting at `from`, oldest first. */
export function trendDates(kind: PeriodKind, from: string, count: number): string[] {
  const start = dayjs(from);
  const step = (i: number) =>
    kind === 'day' ? start.subtract(i, 'day') : kind === 'week' ? start.subtract(7 * i, 'day') : start.subtract(kind === 'quarter' ? 3 * i : i, 'month');
  return Array.from({ length: count }, (_, i) => step(count - 1 - i).format('YYYY-MM-DD'));
}

/** How many periods the satisfaction trend shows for each kind. */
export const trendLength: Record<PeriodKind, number> = { day: 7, week: 8, month: 6, quarter: 4 };

/** A short name of a period for an axis: 2026-11, 2026 Q4, 11/23起 (a week by its Monday), 11/23. */
export function periodName(period: PeriodView): string {
  const from = dayjs(period.from);
  switch (period.kind) {
    case 'month':
      return from.format('YYYY-MM');
    case 'quarter':
      return `${from.year()} Q${Math.floor(from.month() / 3) + 1}`;
    case 'week':
      return `${from.format('M/D')}起`;
    default:
      return from.format('M/D');
  }
}

/** A period in words, for titles: 2026年11月, 2026年第4季度, 2026年11月23日起的一周, 2026年11月23日. */
export function periodTitle(period: PeriodView): string {
  const from = dayjs(period.from);
  switch (period.kind) {
    case 'month':
      return from.format('YYYY年M月');
    case 'quarter':
      return `${from.year()}年第${Math.floor(from.month() / 3) + 1}季度`;
    case 'week':
      return `${from.format('YYYY年M月D日')}起的一周`;
    case 'day':
      return from.format('YYYY年M月D日');
    default:
      return `${period.from} 至 ${period.to}`;
  }
}

export function percent(rate: number | null | undefined, digits = 1): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(digits)}%`;
}
