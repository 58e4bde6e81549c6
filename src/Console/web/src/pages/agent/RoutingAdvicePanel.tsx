import { Alert, Empty, Progress, Space, Spin, Tag, Typography } from 'antd';
import type { RoutingAdvice } from './types';

const sourceLabels: Record<string, string> = {
  catalogue: '派单目录属地规则',
  cases: '相似案例',
  category: '分类的常规承办单位',
};

/** The routing engine's advice for the text being typed: where it would go, how sure it is, and why. */
export function RoutingAdvicePanel({ advice, loading, error }: { advice: RoutingAdvice | undefined; loading: boolean; error: string | undefined }) {
  if (error) return <Alert type="info" showIcon title="暂无智能分派建议" description={error} />;
  if (!advice) {
    return loading ? (
      <Spin size="small" description="正在分析…">
        <div style={{ height: 48 }} />
      </Spin>
    ) : (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="输入诉求内容后显示智能分派建议" />
    );
  }
  const best = advice.suggestions[0];
  const percent = advice.confidence === null ? null : Math.round(advice.confidence * 100);
  const sureEnough = advice.threshold !== null && advice.confidence !== null && advice.confidence >= advice.threshold;
  return (
    <div data-testid="routing-advice" aria-busy={loading}>
      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
        <div>
          <Typography.Text type="secondary">建议派往</Typography.Text>
          <div style={{ fontSize: '1.25em', fontWeight: 600 }} data-testid="advice-department">
            {best?.departmentName ?? '（未能确定承办单位）'}
          </div>
          <Space size={4} wrap>
            {best && <Tag color="blue">分类：{best.label}</Tag>}
            <Tag>依据：{sourceLabels[advice.departmentSource] ?? advice.departmentSource}</Tag>
            {advice.urgency !== 'Normal' && <Tag color="red">{advice.urgencyLabel}</Tag>}
            {advice.typeLabel && <Tag color="purple">类型：{advice.typeLabel}</Tag>}
            {advice.area && <Tag color="cyan">区域：{advice.area.name}</Tag>}
          </Space>
        </div>
        <div>
          <Typography.Text type="secondary">置信度</Typography.Text>
          {percent === null ? (
            <div>
              <Tag color="orange">尚无可用的分类模型：按派单目录或相似案例建议，需人工确认</Tag>
            </div>
          ) : (
            <Progress
              percent={percent}
              size="small"
              status={sureEnough ? 'success' : 'normal'}
              format={() => `${percent}%`}
              aria-label={`置信度 ${percent}%`}
            />
          )}
          {/* How sure, and separately whether it will go on its own: a sure ticket still waits when a member holds it back
              (the warning below) or when the centre has automatic dispatch off. */}
          {percent === null ? null : advice.threshold === null ? (
            <Tag color="orange">当前模型不自动派单，需人工确认</Tag>
          ) : sureEnough ? (
            <Tag color="green">达到自动派单阈值 {Math.round(advice.threshold * 100)}%</Tag>
          ) : (
            <Tag color="orange">低于自动派单阈值 {Math.round(advice.threshold * 100)}%，需人工确认</Tag>
          )}
          {sureEnough && advice.autoDispatch === false && <Tag>本中心未开启自动派单，由派单员确认</Tag>}
          {/* Sure of the category but with no unit to send it to (no usual unit for it, none in the area): it waits. */}
          {sureEnough && !best?.departmentId && <Tag color="orange">未能确定承办单位，需人工派单</Tag>}
          {advice.modelVersion && (
            <Typography.Text type="secondary" style={{ fontSize: '0.85em', display: 'block' }}>
              分类模型版本 {advice.modelVersion}
            </Typography.Text>
          )}
        </div>
        {advice.holds.length > 0 && (
          <Alert type="warning" showIcon title="暂缓自动派单" description={advice.holds.join('；')} />
        )}
        <div>
          <Typography.Text type="secondary">理由</Typography.Text>
          <Typography.Paragraph ellipsis={{ rows: 4, expandable: true, symbol: '展开' }} style={{ marginBottom: 0 }} data-testid="advice-reason">
            {advice.reason}
          </Typography.Paragraph>
        </div>
        {advice.catalogueMatches.length > 0 && (
          <div>
            <Typography.Text type="secondary">派单目录匹配：</Typography.Text>
            {advice.catalogueMatches.map((m) => (
              <Tag
                key={m.entryId}
                color={m.namedInTitle ? 'geekblue' : 'default'}
                title={`${m.namedInTitle ? '标题中强匹配' : m.inTitle ? '标题中弱匹配' : '仅见于正文，不据以改变分类'}；匹配词：${m.terms.join('、')}`}
              >
                {m.name}
                {m.inTitle ? '' : '（正文）'}
              </Tag>
            ))}
          </div>
        )}
        {advice.suggestions.length > 1 && (
          <div>
            <Typography.Text type="secondary">其他可能：</Typography.Text>
            {advice.suggestions.slice(1, 3).map((s) => (
              <Tag key={s.label}>
                {s.label}
                {s.departmentName ? ` → ${s.departmentName}` : ''}
                {s.probability === null ? '（派单目录）' : `（${Math.round(s.probability * 100)}%）`}
              </Tag>
            ))}
          </div>
        )}
      </Space>
    </div>
  );
}
