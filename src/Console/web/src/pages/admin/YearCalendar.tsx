import { useMemo } from 'react';
import { Typography } from 'antd';
import dayjs from 'dayjs';
import type { HolidayNotice } from './shared/types';

/** Each date of the year as the working-day calendar reads it: a holiday, a make-up working weekend (调休上班), a weekend or a working day. */
export function dayKinds(notice: HolidayNotice): Map<string, { kind: 'holiday' | 'working-weekend'; name?: string }> {
  const kinds = new Map<string, { kind: 'holiday' | 'working-weekend'; name?: string }>();
  for (const period of notice.holidays) {
    const end = dayjs(period.to);
    for (let d = dayjs(period.from); !d.isAfter(end) && kinds.size < 2000; d = d.add(1, 'day')) {
      kinds.set(d.format('YYYY-MM-DD'), { kind: 'holiday', name: period.name });
    }
  }
  for (const day of notice.workingWeekendDays) kinds.set(day, { kind: 'working-weekend' });
  return kinds;
}

const weekdays = ['一', '二', '三', '四', '五', '六', '日'];

/** Twelve small months with the notice's holidays (休) and make-up working days (班) marked, to check a notice at a glance. */
export function YearCalendar({ notice }: { notice: HolidayNotice }) {
  const kinds = useMemo(() => dayKinds(notice), [notice]);
  return (
    <div>
      <div style={{ display: 'flex', gap: 16, marginBottom: 8, flexWrap: 'wrap' }} aria-hidden>
        <Legend color="#fde2e2" border="#cf1322" text="休：法定节假日" />
        <Legend color="#dbe8ff" border="#1456c8" text="班：调休上班" />
        <Legend color="#f5f5f5" border="#d9d9d9" text="周末" />
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(210px, 1fr))', gap: 12 }}>
        {Array.from({ length: 12 }, (_, m) => (
          <Month key={m} year={notice.year} month={m} kinds={kinds} />
        ))}
      </div>
    </div>
  );
}

function Legend({ color, border, text }: { color: string; border: string; text: string }) {
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
      <span style={{ width: 14, height: 14, background: color, border: `1px solid ${border}`, display: 'inline-block' }} />
      <Typography.Text type="secondary">{text}</Typography.Text>
    </span>
  );
}

function Month({ year, month, kinds }: { year: number; month: number; kinds: ReturnType<typeof dayKinds> }) {
  const first = dayjs(new Date(year, month, 1));
  const offset = (first.day() + 6) % 7; // Monday first
  const days = first.daysInMonth();
  const cells = [...Array<null>(offset).fill(null), ...Array.from({ length: days }, (_, i) => first.date(i + 1))];
  return (
    <table style={{ borderCollapse: 'collapse', width: '100%', fontSize: '0.85em', tableLayout: 'fixed' }}>
      <caption style={{ textAlign: 'left', fontWeight: 600, paddingBottom: 4 }}>{month + 1} 月</caption>
      <thead>
        <tr>
          {weekdays.map((w) => (
            <th key={w} scope="col" style={{ fontWeight: 400, color: '#595959' }}>
              {w}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: Math.ceil(cells.length / 7) }, (_, row) => (
          <tr key={row}>
            {cells.slice(row * 7, row * 7 + 7).map((d, i) => {
              if (!d) return <td key={i} />;
              const key = d.format('YYYY-MM-DD');
              const kind = kinds.get(key);
              const weekend = d.day() === 0 || d.day() === 6;
              const style =
                kind?.kind === 'holiday'
                  ? { background: '#fde2e2', color: '#a8071a' }
                  : kind?.kind === 'working-weekend'
                    ? { background: '#dbe8ff', color: '#0b3a8c' }
                    : weekend
                      ? { background: '#f5f5f5', color: '#595959' }
                      : {};
              const label = kind?.kind === 'holiday' ? `${key} ${kind.name ?? ''}放假` : kind?.kind === 'working-weekend' ? `${key} 调休上班` : undefined;
              return (
                <td key={i} title={label} aria-label={label} style={{ textAlign: 'center', padding: '2px 0', borderRadius: 4, ...style }}>
                  {d.date()}
                  {kind && <sup style={{ fontSize: '0.7em' }}>{kind.kind === 'holiday' ? '休' : '班'}</sup>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
