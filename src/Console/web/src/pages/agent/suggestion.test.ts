import { describe, expect, it } from 'vitest';
import type { Reference } from './reference';
import { fromDecision } from './suggestion';
import type { RecordedDecision } from './types';

const reference: Reference = {
  departments: [],
  areas: [],
  categories: [
    { id: 'urban-construction', name: '城乡建设', defaultDepartmentId: 'city-housing' },
    { id: 'transport', name: '交通运输', defaultDepartmentId: 'city-transport' },
  ],
  departmentName: (id) => ({ 'donghu-office': '东湖街道办事处', 'city-housing': '市住房和城乡建设局', 'city-transport': '市交通运输局' })[id ?? ''],
};

/** A decision for 交通运输, sent to the transport bureau, with the model's ranking as the host recorded it. */
const transportDecision = (top: RecordedDecision['decision']['top']): RecordedDecision => ({
  reason: null,
  decision: {
    label: '交通运输',
    categoryId: 'transport',
    department: 'city-transport',
    confidence: top[0].probability,
    modelVersion: 'v2',
    automatic: false,
    top,
  },
});

describe('fromDecision', () => {
  it('keeps the recorded department for the decision and sends each runner-up to its category’s usual department', () => {
    const s = fromDecision(
      {
        reason: '派往「东湖街道办事处」…',
        decision: {
          label: '城乡建设',
          categoryId: 'urban-construction',
          department: 'donghu-office',
          confidence: 0.62,
          modelVersion: 'v1',
          automatic: false,
          // As the host stores it: the ranked labels under "Label".
          top: [
            { Label: '城乡建设', probability: 0.62 },
            { Label: '交通运输', probability: 0.3 },
          ],
        },
      },
      reference,
    );
    expect(s.options.map((o) => [o.label, o.departmentId, o.departmentName])).toEqual([
      ['城乡建设', 'donghu-office', '东湖街道办事处'],
      ['交通运输', 'city-transport', '市交通运输局'],
    ]);
    expect(s.recorded).toBe(true);
  });

  it('puts the decision first when the ensemble chose another category than the model ranked first', () => {
    const s = fromDecision(
      {
        reason: null,
        decision: {
          label: '交通运输',
          categoryId: 'transport',
          department: 'city-transport',
          confidence: 0.4,
          modelVersion: 'v1',
          automatic: false,
          top: [{ label: '城乡建设', probability: 0.45 }],
        },
      },
      reference,
    );
    expect(s.options[0]).toMatchObject({ label: '交通运输', departmentId: 'city-transport' });
    expect(s.options[1]).toMatchObject({ label: '城乡建设', departmentId: 'city-housing' });
  });

  it('offers each runner-up where the engine would have sent it, as the decision recorded it', () => {
    const s = fromDecision(
      transportDecision([
        { Label: '交通运输', department: 'city-transport', probability: 0.55 },
        { Label: '城乡建设', department: 'donghu-office', probability: 0.4 }, // a street matter: the area's office
      ]),
      reference,
    );
    expect(s.options[1]).toMatchObject({ label: '城乡建设', categoryId: 'urban-construction', departmentId: 'donghu-office', departmentName: '东湖街道办事处' });
    expect(s.options[0].categoryId).toBe('transport'); // a one-click dispatch files the ticket under the category it was sent for
  });

  it('offers no switched-off department, recorded or usual', () => {
    const off: Reference = {
      ...reference,
      departments: [
        { id: 'city-housing', name: '市住房和城乡建设局', kind: 'CityDepartment', parentId: null, areaId: null, active: false },
        { id: 'city-transport', name: '市交通运输局', kind: 'CityDepartment', parentId: null, areaId: null, active: true },
      ],
    };
    const s = fromDecision(
      transportDecision([
        { Label: '交通运输', probability: 0.5 },
        { Label: '城乡建设', probability: 0.45 }, // an older decision: the category's usual department, now switched off
      ]),
      off,
    );
    expect(s.options.map((o) => o.departmentId)).toEqual(['city-transport', null]);

    const recorded = fromDecision(
      transportDecision([
        { Label: '交通运输', department: 'city-transport', probability: 0.5 },
        { Label: '城乡建设', department: 'city-housing', probability: 0.45 }, // recorded, switched off since
      ]),
      off,
    );
    expect(recorded.options.map((o) => o.departmentId)).toEqual(['city-transport', null]);
  });
});
