import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { RoutingAdvicePanel } from './RoutingAdvicePanel';
import type { RoutingAdvice } from './types';

const advice: RoutingAdvice = {
  modelVersion: 'v1',
  suggestions: [{ label: '城乡建设', categoryId: 'urban', departmentId: 'city-um', departmentName: '市城市管理局', probability: 0.95 }],
  confidence: 0.95,
  reason: '派往「市城市管理局」……',
  wouldDispatch: true,
  threshold: 0.9,
  departmentSource: 'catalogue',
  urgency: 'Normal',
  urgencyLabel: '一般',
  type: null,
  typeLabel: null,
  area: null,
  members: [],
  holds: [],
  catalogueMatches: [
    { entryId: '1', name: '占道经营', terms: ['占道经营'], strong: true, inTitle: true, namedInTitle: true },
    { entryId: '2', name: '小区物业服务', terms: ['物业', '业委会'], strong: true, inTitle: true, namedInTitle: false },
    { entryId: '3', name: '夜间施工噪音', terms: ['夜间施工'], strong: true, inTitle: false, namedInTitle: false },
  ],
};

describe('RoutingAdvicePanel', () => {
  it('marks a catalogue matter found only in the content, and says for each where it was named and by which words', () => {
    render(<RoutingAdvicePanel advice={advice} loading={false} error={undefined} />);
    const titled = screen.getByText('占道经营', { selector: '.ant-tag' });
    expect(titled.getAttribute('title')).toBe('标题中强匹配；匹配词：占道经营');
    expect(titled.className).toContain('geekblue');
    const passing = screen.getByText('小区物业服务', { selector: '.ant-tag' });
    expect(passing.getAttribute('title')).toBe('标题中弱匹配；匹配词：物业、业委会');
    expect(passing.className).not.toContain('geekblue'); // strong in the whole text, but it does not weigh on the category
    const inContent = screen.getByText(/夜间施工噪音/, { selector: '.ant-tag' });
    expect(inContent.textContent).toBe('夜间施工噪音（正文）');
    expect(inContent.getAttribute('title')).toBe('仅见于正文，不据以改变分类；匹配词：夜间施工');
  });

  it('without a model shows no confidence figure, says the suggestion needs a person, and marks catalogue alternatives', () => {
    const withoutModel: RoutingAdvice = {
      ...advice,
      modelVersion: null,
      confidence: null,
      threshold: null,
      wouldDispatch: false,
      suggestions: [
        { label: '环境保护', categoryId: 'environment', departmentId: 'city-env', departmentName: '市生态环境局', probability: null },
        { label: '城乡建设', categoryId: 'urban', departmentId: 'city-um', departmentName: '市城市管理局', probability: null },
      ],
    };
    render(<RoutingAdvicePanel advice={withoutModel} loading={false} error={undefined} />);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(document.body.textContent).not.toMatch(/NaN|null/);
    screen.getByText('尚无可用的分类模型：按派单目录或相似案例建议，需人工确认');
    expect(screen.queryByText(/达到自动派单阈值|当前模型不自动派单/)).toBeNull();
    screen.getByText('城乡建设 → 市城市管理局（派单目录）', { selector: '.ant-tag' });
  });

  it('names the model version, and says a sure ticket without a unit to send it to waits for a dispatcher', () => {
    const noUnit: RoutingAdvice = {
      ...advice,
      wouldDispatch: false,
      suggestions: [{ label: '城乡建设', categoryId: 'urban', departmentId: null, departmentName: null, probability: 0.95 }],
    };
    render(<RoutingAdvicePanel advice={noUnit} loading={false} error={undefined} />);
    screen.getByText('分类模型版本 v1');
    screen.getByText('（未能确定承办单位）');
    screen.getByText('未能确定承办单位，需人工派单');
  });
});
