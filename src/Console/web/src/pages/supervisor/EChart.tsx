import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart, type BarSeriesOption, type LineSeriesOption, type PieSeriesOption } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type AriaComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

// Only the parts of ECharts these pages use are registered (tree-shaken: echarts/core plus three charts), and this module is
// imported only by the supervisor's pages, so no other page downloads it. The SVG renderer keeps the text of every label in the
// page — screen readers and the browser tests can read what a chart shows — and is as fast as canvas for charts this size.
echarts.use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

export type ChartOption = echarts.ComposeOption<
  BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | AriaComponentOption
>;

/**
 * What a click reports: on a bar, point or slice, its series, category (or slice name) and index; on a category axis label
 * (axes with `triggerEvent: true`), the label and its index, with seriesIndex -1 — a department's name drills down too.
 */
export interface ChartClick {
  seriesName: string;
  seriesIndex: number;
  name: string;
  dataIndex: number;
}

interface EventParams {
  componentType?: string;
  seriesName?: string;
  seriesIndex?: number;
  name?: string;
  dataIndex?: number;
  value?: unknown;
  xAxisIndex?: number;
  yAxisIndex?: number;
}

/**
 * One ECharts chart in a div: created on mount, updated when the option changes, resized with its container, disposed on
 * unmount. Clicks on data go to onClick (drill-down). The aria component describes the chart in words for screen readers.
 */
export function EChart({
  option,
  onClick,
  height = 300,
  label,
  testId,
}: {
  option: ChartOption;
  onClick?: (click: ChartClick) => void;
  height?: number;
  label: string;
  testId?: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  const latestClick = useRef(onClick);
  latestClick.current = onClick;

  useEffect(() => {
    const instance = echarts.init(element.current!, undefined, { renderer: 'svg', locale: 'ZH' });
    chart.current = instance;
    instance.on('click', (params) => {
      const p = params as unknown as EventParams;
      if (p.componentType === 'series') {
        latestClick.current?.({ seriesName: p.seriesName ?? '', seriesIndex: p.seriesIndex ?? 0, name: p.name ?? '', dataIndex: p.dataIndex ?? 0 });
        return;
      }
      if (p.componentType === 'xAxis' || p.componentType === 'yAxis') {
        const axis = (instance.getOption()[p.componentType] as { data?: unknown[] }[] | undefined)?.[p.xAxisIndex ?? p.yAxisIndex ?? 0];
        const index = (axis?.data ?? []).findIndex((d) => d === p.value);
        if (index >= 0) latestClick.current?.({ seriesName: '', seriesIndex: -1, name: String(p.value), dataIndex: index });
      }
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current!);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ aria: { enabled: true }, ...option }, { notMerge: true });
  }, [option]);

  // The chart's own div gets ECharts' generated description (aria component); the group around it names the chart.
  return (
    <div role="group" aria-label={label} data-testid={testId}>
      <div ref={element} style={{ width: '100%', height, cursor: onClick ? 'pointer' : undefined }} />
    </div>
  );
}
