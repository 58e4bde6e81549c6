import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Empty, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ExperimentOutlined } from '@ant-design/icons';
import { api, ApiError } from '../../api/http';
import { formatTime } from '../../components/format';
import { ImportButton } from './shared/ImportButton';
import { PageHeader } from './shared/PageHeader';
import { ProblemAlert } from './shared/ProblemAlert';
import { importErrors, tabularContentType, uploadFile } from './shared/files';
import type { ModelOutcome, RoutingModel, RoutingOutcomes } from './shared/types';
import { useLoad } from './shared/useLoad';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

const outcomeDays = 30;

/**
 * A version's record in service: automatic dispatches, how many a department returned (approved) or a dispatcher sent elsewhere,
 * and the precision that leaves. Below 98 % over enough tickets the threshold no longer holds what it promised.
 */
function OutcomeText({ outcome, detailed }: { outcome: ModelOutcome | undefined; detailed?: boolean }) {
  if (!outcome || outcome.autoDispatched === 0) {
    return <Typography.Text type="secondary">{outcome ? `分类 ${outcome.classified} 件，未自动派单` : '—'}</Typography.Text>;
  }
  const precision = outcome.precision ?? 1;
  const low = outcome.autoDispatched >= 50 && precision < 0.98;
  return (
    <Space size={4} wrap>
      <span>
        {detailed && `分类 ${outcome.classified} 件，`}自动派单 {outcome.autoDispatched} 件（被纠正 {outcome.corrected}）
      </span>
      <Tag color={low ? 'red' : 'default'} title="没有被退回或改派的自动派单所占比例；纠正常在派单几天后才发生，最近几天的数字会变。">
        实际准确率 {percent(precision)}
      </Tag>
    </Space>
  );
}

/**
 * Why a version newer than the one in use is off. The server stores the reason when a scheduled training holds a version back
 * (its figures against the tolerances, or a version someone switched off). A version without one was either switched off by a
 * rollback or held back before the reason was stored; for those the figures tell as much as they can.
 */
export function heldBackReason(model: RoutingModel, active: RoutingModel): string {
  if (model.heldBackReason) {
    return model.heldBackReason;
  }
  const lower: string[] = [];
  if (model.macroF1 < active.macroF1) {
    lower.push(`宏平均 F1 低 ${(active.macroF1 - model.macroF1).toFixed(3)}`);
  }
  if (model.dispatchShare < active.dispatchShare) {
    lower.push(`自动派单比例低 ${((active.dispatchShare - model.dispatchShare) * 100).toFixed(1)} 个百分点`);
  }
  return lower.length > 0
    ? `比使用中的版本${lower.join('，')}。定时训练的新模型指标明显低于当前模型时不会自动启用（相差在设置的容差内时，则是回退时被停用）；比较后可手动启用。`
    : '指标不低于使用中的版本：它曾被停用（回退到较早版本），定时训练不会重新启用它；需要时可手动启用。';
}

/** A model with no threshold reached 98 % precision at no confidence on its training data: everything waits for a dispatcher. */
const thresholdText = (value: number | null) => (value === null ? '无（不自动派单）' : value.toFixed(2));

/**
 * 智能派单模型: the text classifier's versions, training on demand, and importing history to train on. The active model decides
 * how sure the router is; tickets below its threshold wait for a dispatcher.
 */
export default function RoutingModelsPage() {
  const { message } = App.useApp();
  const models = useLoad(() => api.get<RoutingModel[]>('/api/admin/routing/models'), []);
  // In service over the last 30 days: did automatic dispatch keep the precision its threshold was chosen for?
  const outcomes = useLoad(() => api.get<RoutingOutcomes>('/api/admin/routing/outcomes', { days: outcomeDays }), [models.data]);
  const outcomeOf = (version: string) => outcomes.data?.models.find((o) => o.version === version);
  const [training, setTraining] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);
  const active = models.data?.find((m) => m.active);

  const retrain = async () => {
    setTraining(true);
    setProblem([]);
    try {
      const model = await api.post<RoutingModel>('/api/admin/routing/retrain');
      message.success(`新模型已启用：准确率 ${percent(model.accuracy)}，自动派单比例 ${percent(model.dispatchShare)}`);
      void models.reload();
    } catch (e) {
      setProblem([e instanceof ApiError ? e.summary : '训练失败，请重试。']);
    } finally {
      setTraining(false);
    }
  };

  const [activating, setActivating] = useState<string>();
  const activate = async (model: RoutingModel) => {
    setActivating(model.version);
    setProblem([]);
    try {
      await api.post<RoutingModel>(`/api/admin/routing/models/${encodeURIComponent(model.version)}/activate`);
      message.success(`已启用 ${model.version.slice(0, 12)} 版本，新工单由它分类，直到下次训练。`);
    } catch (e) {
      setProblem([e instanceof ApiError ? e.summary : '启用失败，请重试。']);
    } finally {
      setActivating(undefined);
      void models.reload();
    }
  };

  const importFile = async (file: File) => {
    setProblem([]);
    try {
      const result = await uploadFile<{ imported: number; skipped: number; alreadyImported: number }>(
        '/api/admin/routing/training-data',
        file,
        tabularContentType(file.name),
      );
      message.success(
        `已导入 ${result.imported} 条历史工单${result.skipped > 0 ? `，跳过 ${result.skipped} 条缺少内容或分类的` : ''}` +
          `${result.alreadyImported > 0 ? `，${result.alreadyImported} 条此前已导入，未重复导入` : ''}。重新训练后生效。`,
      );
    } catch (e) {
      const lines = importErrors(e);
      setProblem(['导入失败，未导入任何历史工单。', ...(lines.length > 0 ? lines : [e instanceof ApiError ? e.summary : '请检查文件后重试。'])]);
    }
  };

  const columns: ColumnsType<RoutingModel> = [
    {
      title: '版本',
      dataIndex: 'version',
      render: (v: string, m) => (
        <Space size={4}>
          <Typography.Text code>{v.slice(0, 12)}</Typography.Text>
          {m.active && <Tag color="green">使用中</Tag>}
          {!m.active && active && m.createdAt > active.createdAt && (
            // Newer than the model in use yet off: a scheduled training judged it clearly worse, or it was rolled back.
            <Tag color="orange" title={heldBackReason(m, active)}>
              较新，未启用
            </Tag>
          )}
        </Space>
      ),
    },
    { title: '训练时间', dataIndex: 'createdAt', render: (t: string) => formatTime(t) },
    { title: '样本数', dataIndex: 'examples', render: (n: number) => n.toLocaleString('zh-CN') },
    { title: '准确率', dataIndex: 'accuracy', render: percent },
    { title: '宏平均 F1', dataIndex: 'macroF1', render: (v: number) => v.toFixed(3) },
    { title: '自动派单阈值', dataIndex: 'threshold', render: (v: number | null) => thresholdText(v) },
    { title: '自动派单比例', dataIndex: 'dispatchShare', render: percent },
    {
      title: `近 ${outcomeDays} 天自动派单（被纠正）`,
      key: 'outcome',
      render: (_, m) => <OutcomeText outcome={outcomeOf(m.version)} />,
    },
    {
      title: '操作',
      key: 'actions',
      render: (_, m) =>
        m.active ? null : (
          <Popconfirm
            title="改用这个版本？"
            description="新工单将由它分类和自动派单，直到下次训练（按计划或手动）产生新模型。已分类的工单不受影响。"
            okText="启用"
            cancelText="取消"
            onConfirm={() => activate(m)}
          >
            <Button size="small" loading={activating === m.version} aria-label={`启用版本 ${m.version.slice(0, 12)}`}>
              启用此版本
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title="智能派单模型"
        onReload={() => void models.reload()}
        actions={
          <>
            <ImportButton accept=".jsonl,.ndjson,.csv" label="导入历史工单" onFile={importFile} />
            <Popconfirm
              title="用全部样本重新训练？"
              description="训练可能需要一分钟左右，完成后新模型立即启用，旧版本保留。"
              okText="开始训练"
              cancelText="取消"
              onConfirm={() => retrain()}
            >
              <Button type="primary" icon={<ExperimentOutlined />} loading={training}>
                重新训练
              </Button>
            </Popconfirm>
          </>
        }
        intro={
          <>
            模型从历史工单（导入的文件、办结的工单和派单员的改派）学习分类。置信度达到阈值的工单自动派单，其余由派单员确认。导入文件为 JSONL 或
            CSV，每条含 text（诉求内容）和 label（一级分类名称，如「城乡建设」）；任何一行有误则整份不导入。
          </>
        }
      />
      <ProblemAlert lines={problem} onClose={() => setProblem([])} />
      {models.error && <ProblemAlert lines={[models.error]} />}
      {outcomes.error && <ProblemAlert lines={[`投入使用后的派单结果读取失败：${outcomes.error}`]} />}
      {training && <Alert type="info" showIcon style={{ marginBottom: 16 }} title="正在训练，请稍候…" />}
      <Card title="当前模型" style={{ marginBottom: 16 }} loading={models.loading && !models.data}>
        {active ? (
          <Descriptions
            column={{ xs: 1, md: 3 }}
            items={[
              { key: 'v', label: '版本', children: <Typography.Text code>{active.version.slice(0, 12)}</Typography.Text> },
              { key: 't', label: '训练时间', children: formatTime(active.createdAt) },
              { key: 'n', label: '样本数', children: active.examples.toLocaleString('zh-CN') },
              { key: 'a', label: '交叉验证准确率', children: percent(active.accuracy) },
              { key: 'f', label: '宏平均 F1', children: active.macroF1.toFixed(3) },
              { key: 'd', label: `自动派单比例（阈值 ${thresholdText(active.threshold)}）`, children: percent(active.dispatchShare) },
              {
                key: 'o',
                label: `近 ${outcomeDays} 天实际`,
                children: <OutcomeText outcome={outcomeOf(active.version)} detailed />,
              },
            ]}
          />
        ) : (
          <Empty description="尚未训练模型：请导入历史工单后重新训练。未训练前所有工单由派单员派单。" />
        )}
      </Card>
      <Card title="历史版本">
        <Table<RoutingModel>
          rowKey="version"
          size="middle"
          loading={models.loading}
          columns={columns}
          dataSource={models.data ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description="暂无模型版本" /> }}
          scroll={{ x: 800 }}
        />
      </Card>
    </>
  );
}
