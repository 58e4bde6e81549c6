import { useMemo, useState } from 'react';
import {
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { api, ApiError } from '../../api/http';
import { formatTime } from '../../components/format';
import { EditConflictAlerts } from './shared/EditConflictAlerts';
import { ImportButton } from './shared/ImportButton';
import { PageHeader } from './shared/PageHeader';
import { ProblemAlert } from './shared/ProblemAlert';
import { downloadExport, importErrors, uploadFile } from './shared/files';
import { catalogueLevelLabels, departmentKindLabels, labelOf } from './shared/labels';
import { showProblemOnForm } from './shared/problemFields';
import { areaTreeData, useReference, type Reference } from './shared/reference';
import type { CatalogueEntry } from './shared/types';
import { useLoad } from './shared/useLoad';

const formFields = ['name', 'categoryId', 'keywords', 'level', 'unitKind', 'departmentId', 'areaId', 'remit', 'active'] as const;

interface EntryForm {
  name: string;
  categoryId: string;
  keywords: string[];
  level: string;
  unitKind?: string | null;
  departmentId: string;
  areaId?: string | null;
  remit?: string | null;
  active: boolean;
}

const defaultUnitKind: Record<string, string> = { Street: 'StreetOffice', District: 'DistrictGovernment' };
const unitKindChoices = ['StreetOffice', 'DistrictGovernment', 'Functional', 'Enterprise'];

/** 派单目录: the matters the router and dispatchers send by rule — category, citizens' words, 属地 level and the responsible unit. */
export default function CataloguePage() {
  const { message } = App.useApp();
  const reference = useReference();
  const catalogue = useLoad(() => api.get<CatalogueEntry[]>('/api/admin/catalogue'), []);
  const [text, setText] = useState('');
  const [category, setCategory] = useState<string>();
  const [level, setLevel] = useState<string>('all');
  const [showInactive, setShowInactive] = useState(true);
  const [editing, setEditing] = useState<CatalogueEntry | 'new' | null>(null);
  const [importProblem, setImportProblem] = useState<string[]>([]);

  const entries = useMemo(() => {
    const q = text.trim().toLowerCase();
    return (catalogue.data ?? []).filter(
      (e) =>
        (showInactive || e.active) &&
        (!category || e.categoryId === category) &&
        (level === 'all' || e.level === level) &&
        (!q || e.name.toLowerCase().includes(q) || e.keywords.some((k) => k.toLowerCase().includes(q))),
    );
  }, [catalogue.data, text, category, level, showInactive]);

  const remove = async (entry: CatalogueEntry) => {
    try {
      await api.del(`/api/admin/catalogue/${entry.id}`);
      message.success(`已删除「${entry.name}」`);
      void catalogue.reload();
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : '删除失败，请重试。');
    }
  };

  const importFile = async (file: File) => {
    setImportProblem([]);
    try {
      const result = await uploadFile<{ created: number; updated: number }>('/api/admin/catalogue/import', file, 'application/x-ndjson');
      message.success(`导入完成：新增 ${result.created} 项，更新 ${result.updated} 项。`);
      void catalogue.reload();
    } catch (e) {
      const lines = importErrors(e);
      setImportProblem(['导入失败，派单目录未作任何修改。', ...(lines.length > 0 ? lines : [e instanceof ApiError ? e.summary : '请检查文件后重试。'])]);
    }
  };

  const columns: ColumnsType<CatalogueEntry> = [
    {
      title: '事项',
      dataIndex: 'name',
      render: (name: string, e) => (
        <Space size={4} wrap>
          <Typography.Text strong>{name}</Typography.Text>
          {!e.active && <Tag>已停用</Tag>}
        </Space>
      ),
    },
    { title: '分类', dataIndex: 'categoryName', render: (name: string | null, e) => name ?? e.categoryId },
    {
      title: '关键词',
      dataIndex: 'keywords',
      render: (keywords: string[]) => (
        <Space size={[2, 4]} wrap>
          {keywords.slice(0, 6).map((k) => (
            <Tag key={k}>{k}</Tag>
          ))}
          {keywords.length > 6 && <Typography.Text type="secondary">等 {keywords.length} 个</Typography.Text>}
        </Space>
      ),
    },
    {
      title: '属地层级',
      dataIndex: 'level',
      render: (_: string, e) => <Tag color={e.level === 'City' ? 'blue' : e.level === 'District' ? 'gold' : 'green'}>{e.levelLabel}</Tag>,
    },
    {
      title: '承办单位',
      key: 'unit',
      render: (_, e) =>
        e.level === 'City' ? (
          (e.department?.name ?? '—')
        ) : (
          <div>
            <div>所在地{e.unitKindLabel}</div>
            <Typography.Text type="secondary">兜底：{e.department?.name ?? '—'}</Typography.Text>
          </div>
        ),
    },
    { title: '适用区域', dataIndex: 'areaName', render: (name: string | null) => name ?? '全市' },
    {
      title: '版本',
      key: 'version',
      render: (_, e) => (
        <Typography.Text type="secondary">
          第 {e.version} 版 · {e.updatedBy}
          {/* Seeded entries were never stamped (the epoch): a date there would only mislead. */}
          {new Date(e.updatedAt).getFullYear() > 2000 && ` · ${formatTime(e.updatedAt)}`}
        </Typography.Text>
      ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 130,
      render: (_, e) => (
        <Space size={4}>
          <Button size="small" onClick={() => setEditing(e)} aria-label={`编辑 ${e.name}`}>
            编辑
          </Button>
          <Popconfirm
            title={`删除「${e.name}」？`}
            description="删除后智能派单不再按此事项派单。只想暂停请在编辑中停用。"
            okText="删除"
            okButtonProps={{ danger: true }}
            cancelText="取消"
            onConfirm={() => remove(e)}
          >
            <Button size="small" danger aria-label={`删除 ${e.name}`}>
              删除
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="派单目录"
        onReload={() => void catalogue.reload()}
        actions={
          <>
            <ImportButton accept=".jsonl,.ndjson,.json,.txt" label="导入 JSONL" onFile={importFile} />
            <Button
              icon={<DownloadOutlined />}
              onClick={() =>
                downloadExport('/api/admin/catalogue/export', 'catalogue.jsonl').catch((e: unknown) =>
                  message.error(e instanceof ApiError ? e.summary : '导出失败，请重试。'),
                )
              }
            >
              导出 JSONL
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新增事项
            </Button>
          </>
        }
        intro={
          <>
            市民的诉求含有事项的关键词时，智能派单按事项的属地层级确定承办单位：街道级派给所在街道办事处，区级派给所在区人民政府，找不到属地单位时派给兜底的市级单位。导入文件每行一个事项，按名称新增或更新；任何一行有误则整份不导入。
          </>
        }
      />
      <ProblemAlert lines={importProblem} onClose={() => setImportProblem([])} />
      {(catalogue.error || reference.error) && <ProblemAlert lines={[catalogue.error ?? reference.error ?? '']} />}
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder="事项名称或关键词" aria-label="按事项名称或关键词筛选" onChange={(e) => setText(e.target.value)} style={{ width: 220 }} />
          <Select
            allowClear
            placeholder="全部分类"
            aria-label="按分类筛选"
            style={{ width: 180 }}
            value={category}
            onChange={setCategory}
            options={(reference.data?.categories ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
          <Segmented
            aria-label="按属地层级筛选"
            value={level}
            onChange={(v) => setLevel(String(v))}
            options={[{ value: 'all', label: '全部层级' }, ...Object.entries(catalogueLevelLabels).map(([value, label]) => ({ value, label }))]}
          />
          <label>
            <Space size={4}>
              <Switch size="small" checked={showInactive} onChange={setShowInactive} aria-label="显示已停用事项" />
              <span>显示已停用</span>
            </Space>
          </label>
          <Typography.Text type="secondary">共 {entries.length} 项</Typography.Text>
        </Space>
        <Table<CatalogueEntry>
          rowKey="id"
          size="middle"
          loading={catalogue.loading}
          columns={columns}
          dataSource={entries}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          expandable={{
            expandedRowRender: (e) => (
              <Typography.Paragraph style={{ margin: 0 }}>
                <Typography.Text type="secondary">职责说明：</Typography.Text>
                {e.remit ?? '未填写'}
              </Typography.Paragraph>
            ),
          }}
          locale={{ emptyText: <Empty description={catalogue.data?.length ? '没有符合条件的事项' : '派单目录为空，请新增事项或导入 JSONL 文件'} /> }}
          scroll={{ x: 1000 }}
        />
      </Card>
      {editing && reference.data && (
        <EntryEditor
          entry={editing === 'new' ? null : editing}
          reference={reference.data}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            message.success(created ? `已新增事项「${saved.name}」` : `已保存「${saved.name}」（第 ${saved.version} 版）`);
            void catalogue.reload();
          }}
        />
      )}
    </>
  );
}

function toForm(e: CatalogueEntry): EntryForm {
  return {
    name: e.name,
    categoryId: e.categoryId,
    keywords: e.keywords,
    level: e.level,
    unitKind: e.unitKind,
    departmentId: e.department?.id ?? '',
    areaId: e.areaId,
    remit: e.remit,
    active: e.active,
  };
}

function EntryEditor({
  entry,
  reference,
  onClose,
  onSaved,
}: {
  entry: CatalogueEntry | null;
  reference: Reference;
  onClose: () => void;
  onSaved: (saved: CatalogueEntry, created: boolean) => void;
}) {
  const [form] = Form.useForm<EntryForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);
  // The version this edit is based on: the host refuses a save based on an older one (409).
  const [version, setVersion] = useState(entry?.version ?? 0);
  const [conflict, setConflict] = useState<string>();
  const [reloaded, setReloaded] = useState<number>();
  const level = Form.useWatch('level', form) ?? entry?.level ?? 'Street';
  const creating = entry === null;

  const save = async (values: EntryForm) => {
    setBusy(true);
    setProblem([]);
    setConflict(undefined);
    setReloaded(undefined);
    const body = {
      ...values,
      unitKind: values.level === 'City' ? null : values.unitKind || null,
      areaId: values.areaId || null,
      remit: values.remit?.trim() || null,
      version: creating ? undefined : version,
    };
    try {
      const saved = creating
        ? await api.post<CatalogueEntry>('/api/admin/catalogue', body)
        : await api.put<CatalogueEntry>(`/api/admin/catalogue/${entry.id}`, body);
      onSaved(saved, creating);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setConflict(e.summary);
      else setProblem(showProblemOnForm(form, e, formFields));
    } finally {
      setBusy(false);
    }
  };

  const reloadLatest = async () => {
    if (!entry) return;
    try {
      const latest = (await api.get<CatalogueEntry[]>('/api/admin/catalogue')).find((e) => e.id === entry.id);
      if (!latest) {
        setConflict(undefined);
        setProblem(['该事项已被他人删除，无法继续修改。请关闭后新增。']);
        return;
      }
      form.resetFields();
      form.setFieldsValue(toForm(latest));
      setVersion(latest.version);
      setConflict(undefined);
      setReloaded(latest.version);
    } catch (e) {
      setProblem([e instanceof ApiError ? e.summary : '载入失败，请重试。']);
    }
  };

  const departmentOptions = reference.departments
    .filter((d) => d.active && d.kind !== 'Centre')
    .map((d) => ({ value: d.id, label: d.name }));

  return (
    <Modal
      open
      title={creating ? '新增派单目录事项' : `编辑「${entry.name}」（第 ${version} 版）`}
      onCancel={onClose}
      okText="保存"
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => form.submit()}
      okButtonProps={{ disabled: !!conflict }}
      destroyOnHidden
      width={720}
    >
      <EditConflictAlerts conflict={conflict} description="您打开编辑之后，其他管理员已保存了这个事项。为避免覆盖他人的修改，本次没有保存。请载入最新内容，核对后重新修改并保存。" reloaded={reloaded} onReload={() => void reloadLatest()} />
      <ProblemAlert lines={problem} />
      <Form<EntryForm>
        form={form}
        layout="vertical"
        onFinish={save}
        initialValues={entry ? toForm(entry) : { level: 'Street', keywords: [], active: true }}
        onValuesChange={(changed: Partial<EntryForm>) => {
          if ('level' in changed) form.setFieldValue('unitKind', undefined);
        }}
      >
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item label="事项名称" name="name" rules={[{ required: true, whitespace: true, message: '请填写事项名称' }]}>
              <Input maxLength={100} placeholder="如：占道经营" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item label="诉求分类" name="categoryId" rules={[{ required: true, message: '请选择诉求分类' }]}>
              <Select options={reference.categories.map((c) => ({ value: c.id, label: c.name }))} placeholder="选择一级分类" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          label="关键词"
          name="keywords"
          extra="市民描述这个事项时常用的词，每个至少 2 个字；输入后按回车或逗号添加。"
          rules={[{ required: true, type: 'array', min: 1, message: '请至少填写一个关键词' }]}
        >
          <Select mode="tags" tokenSeparators={[',', '，', '、', ' ']} open={false} suffixIcon={null} placeholder="如：占道、摆摊、流动摊贩" />
        </Form.Item>
        <Form.Item label="属地层级" name="level" rules={[{ required: true, message: '请选择属地层级' }]}>
          <Radio.Group
            optionType="button"
            options={Object.entries(catalogueLevelLabels).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Row gutter={16}>
          {level !== 'City' && (
            <Col xs={24} sm={12}>
              <Form.Item label="属地单位类型" name="unitKind" extra="所在区域内由哪类单位办理。">
                <Select
                  allowClear
                  placeholder={`默认：${labelOf(departmentKindLabels, defaultUnitKind[level])}`}
                  options={unitKindChoices.map((value) => ({ value, label: departmentKindLabels[value] }))}
                />
              </Form.Item>
            </Col>
          )}
          <Col xs={24} sm={level === 'City' ? 24 : 12}>
            <Form.Item
              label={level === 'City' ? '承办单位' : '兜底承办单位（市级）'}
              name="departmentId"
              extra={level === 'City' ? undefined : '诉求所在区域不明或没有属地单位时派给它。'}
              rules={[{ required: true, message: '请选择承办单位' }]}
            >
              <Select showSearch={{ optionFilterProp: 'label' }} options={departmentOptions} placeholder="选择承办单位" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="适用区域" name="areaId" extra="留空则适用于全市；选了区或街道则只适用于该区域内的诉求。">
          <TreeSelect treeData={areaTreeData(reference.areas)} allowClear treeDefaultExpandAll placeholder="全市" />
        </Form.Item>
        <Form.Item label="职责说明" name="remit" extra="派单员和大模型参考的职责边界。">
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
        <Form.Item label="启用" name="active" valuePropName="checked">
          <Switch checkedChildren="启用" unCheckedChildren="停用" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
