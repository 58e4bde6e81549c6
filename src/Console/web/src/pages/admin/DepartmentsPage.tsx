import { useMemo, useState, type ReactNode } from 'react';
import { App, Button, Card, Col, Empty, Form, Input, Modal, Row, Select, Space, Switch, Table, Tag, Tree, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../../api/http';
import { PageHeader } from './shared/PageHeader';
import { ProblemAlert } from './shared/ProblemAlert';
import { areaLevelLabels, departmentKindLabels, labelOf } from './shared/labels';
import { showProblemOnForm } from './shared/problemFields';
import { areaTreeData, useReference } from './shared/reference';
import { buildTree, descendantsOf, parentKeys, type TreeNode } from './shared/tree';
import type { Area, Department } from './shared/types';

const formFields = ['id', 'name', 'kind', 'parentId', 'areaId', 'email', 'remit', 'active'] as const;

interface DepartmentForm {
  id: string;
  name: string;
  kind: string;
  parentId?: string | null;
  areaId?: string | null;
  email?: string | null;
  remit?: string | null;
  active: boolean;
}

// Centre first, then city departments and enterprises, district governments, street offices: the order of the 属地 hierarchy.
const kindOrder = ['Centre', 'Functional', 'Enterprise', 'DistrictGovernment', 'StreetOffice'];
const byKindThenName = (a: Department, b: Department) =>
  kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || a.name.localeCompare(b.name, 'zh-CN');

/** 单位管理: the handling units in their hierarchy (centre → city departments / district governments → street offices), and the areas. */
export default function DepartmentsPage() {
  const { message } = App.useApp();
  const reference = useReference();
  const departments = useMemo(() => reference.data?.departments ?? [], [reference.data]);
  const areas = useMemo(() => reference.data?.areas ?? [], [reference.data]);
  const [filter, setFilter] = useState('');
  const [showInactive, setShowInactive] = useState(true);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<Department | 'new' | null>(null);

  const areaNames = useMemo(() => new Map(areas.map((a) => [a.id, a.name])), [areas]);
  const visible = useMemo(() => departments.filter((d) => showInactive || d.active), [departments, showInactive]);
  const text = filter.trim().toLowerCase();
  // While filtering, the matches are listed flat: a tree with holes would hide why a row is where it is.
  const rows: TreeNode<Department>[] = useMemo(
    () =>
      text
        ? visible
            .filter((d) => d.name.toLowerCase().includes(text) || d.id.includes(text))
            .sort(byKindThenName)
            .map((d) => ({ ...d, key: d.id }))
        : buildTree(visible, byKindThenName),
    [visible, text],
  );
  const expanded = useMemo(() => parentKeys(rows).filter((k) => !collapsed.has(k)), [rows, collapsed]);

  const columns: ColumnsType<TreeNode<Department>> = [
    {
      title: '单位名称',
      dataIndex: 'name',
      width: 300,
      // One block, so a long name wraps inside its indent instead of under the tree's expand button.
      render: (name: string, d) => (
        <span style={{ display: 'inline-block', verticalAlign: 'top', maxWidth: 'calc(100% - 48px)' }}>
          {name}
          {!d.active && <Tag style={{ marginInlineStart: 6 }}>已停用</Tag>}
          <br />
          <Typography.Text type="secondary" style={{ fontSize: '0.85em' }}>
            {d.id}
          </Typography.Text>
        </span>
      ),
    },
    { title: '类型', dataIndex: 'kind', width: 120, render: (kind: string) => <Tag color={kindColor[kind]}>{labelOf(departmentKindLabels, kind)}</Tag> },
    { title: '所属区域', dataIndex: 'areaId', width: 100, render: (id: string | null) => (id ? (areaNames.get(id) ?? id) : '—') },
    {
      title: '电子邮箱',
      dataIndex: 'email',
      ellipsis: true,
      render: (email: string | null) => email ?? <Typography.Text type="secondary">未填写</Typography.Text>,
    },
    {
      title: '操作',
      key: 'actions',
      width: 80,
      fixed: 'right',
      render: (_, d) => (
        <Button size="small" onClick={() => setEditing(d)} aria-label={`编辑 ${d.name}`}>
          编辑
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="单位管理"
        onReload={() => void reference.reload()}
        actions={
          <>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新增单位
            </Button>
          </>
        }
        intro={
          <>
            承办单位按属地层级组织：热线中心 → 市级职能部门、公共服务企业和区人民政府 → 街道办事处。单位不删除，只停用，历史工单仍能看到原单位。
          </>
        }
      />
      {reference.error && <ProblemAlert lines={[reference.error]} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={17}>
          <Card
            title="承办单位层级"
            extra={
              <Space wrap>
                <Input.Search
                  allowClear
                  placeholder="按名称或编码筛选"
                  aria-label="按名称或编码筛选单位"
                  onChange={(e) => setFilter(e.target.value)}
                  style={{ width: 220 }}
                />
                <label>
                  <Space size={4}>
                    <Switch size="small" checked={showInactive} onChange={setShowInactive} aria-label="显示已停用单位" />
                    <span>显示已停用</span>
                  </Space>
                </label>
              </Space>
            }
          >
            <Table<TreeNode<Department>>
              rowKey="id"
              size="middle"
              loading={reference.loading}
              columns={columns}
              dataSource={rows}
              pagination={false}
              expandable={{
                expandedRowKeys: expanded,
                onExpand: (open, row) =>
                  setCollapsed((c) => {
                    const next = new Set(c);
                    if (open) next.delete(row.id);
                    else next.add(row.id);
                    return next;
                  }),
              }}
              locale={{ emptyText: <Empty description={text ? '没有符合条件的单位' : '暂无承办单位，请先新增热线中心'} /> }}
              scroll={{ x: 820 }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <AreaCard areas={areas} departments={departments} loading={reference.loading} />
        </Col>
      </Row>
      {editing && (
        <DepartmentEditor
          department={editing === 'new' ? null : editing}
          departments={departments}
          areas={areas}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            message.success(created ? `已新增「${saved.name}」` : `已保存「${saved.name}」`);
            void reference.reload();
          }}
        />
      )}
    </>
  );
}

const kindColor: Record<string, string> = {
  Centre: 'purple',
  Functional: 'blue',
  Enterprise: 'cyan',
  DistrictGovernment: 'gold',
  StreetOffice: 'green',
};

function AreaCard({ areas, departments, loading }: { areas: Area[]; departments: Department[]; loading: boolean }) {
  const counts = useMemo(() => {
    const map = new Map<string, number>();
    for (const d of departments) if (d.areaId && d.active) map.set(d.areaId, (map.get(d.areaId) ?? 0) + 1);
    return map;
  }, [departments]);
  type AreaNode = { key: string; title: ReactNode; children?: AreaNode[] };
  const data = useMemo(() => {
    const toNode = (a: TreeNode<Area>): AreaNode => ({
      key: a.id,
      title: (
        <span>
          {a.name} <Tag style={{ marginInlineStart: 4 }}>{labelOf(areaLevelLabels, a.level)}</Tag>
          <Typography.Text type="secondary">{counts.get(a.id) ?? 0} 个单位</Typography.Text>
        </span>
      ),
      children: a.children?.map(toNode),
    });
    return buildTree(areas).map(toNode);
  }, [areas, counts]);
  return (
    <Card title="行政区域（市 → 区 → 街道）" loading={loading}>
      {data.length === 0 ? (
        <Empty description="暂无区域" />
      ) : (
        <Tree treeData={data} defaultExpandAll selectable={false} aria-label="行政区域" />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        区域决定属地派单：街道级事项派给该街道的街道办事处，区级事项派给区人民政府。
      </Typography.Paragraph>
    </Card>
  );
}

function DepartmentEditor({
  department,
  departments,
  areas,
  onClose,
  onSaved,
}: {
  department: Department | null;
  departments: Department[];
  areas: Area[];
  onClose: () => void;
  onSaved: (saved: Department, created: boolean) => void;
}) {
  const [form] = Form.useForm<DepartmentForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);
  const creating = department === null;

  // A unit may not sit under itself or anything below it (the host refuses the loop too).
  const parentOptions = useMemo(() => {
    const excluded = department ? descendantsOf(departments, department.id) : new Set<string>();
    type Option = { value: string; title: string; disabled?: boolean; children?: Option[] };
    const toOption = (d: TreeNode<Department>): Option => ({
      value: d.id,
      title: d.active ? d.name : `${d.name}（已停用）`,
      disabled: excluded.has(d.id),
      children: d.children?.map(toOption),
    });
    return buildTree(departments, byKindThenName).map(toOption);
  }, [departments, department]);

  const save = async (values: DepartmentForm) => {
    setBusy(true);
    setProblem([]);
    const body = {
      ...values,
      id: creating ? values.id?.trim() : department.id,
      parentId: values.parentId || null,
      areaId: values.areaId || null,
      email: values.email?.trim() || null,
      remit: values.remit?.trim() || null,
    };
    try {
      const saved = creating
        ? await api.post<Department>('/api/admin/departments', body)
        : await api.put<Department>(`/api/admin/departments/${encodeURIComponent(department.id)}`, body);
      onSaved(saved, creating);
    } catch (e) {
      setProblem(showProblemOnForm(form, e, formFields));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={creating ? '新增承办单位' : `编辑「${department.name}」`}
      onCancel={onClose}
      okText="保存"
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
      width={640}
    >
      <ProblemAlert lines={problem} />
      <Form<DepartmentForm>
        form={form}
        layout="vertical"
        onFinish={save}
        initialValues={
          department
            ? { ...department }
            : { active: true, kind: 'Functional', parentId: departments.find((d) => d.kind === 'Centre')?.id ?? null }
        }
      >
        <Form.Item
          label="单位编码"
          name="id"
          extra={creating ? '小写字母、数字和连字符，如 city-housing；保存后不能修改。' : '编码不能修改。'}
          rules={[{ required: true, whitespace: true, message: '请填写单位编码' }]}
        >
          <Input disabled={!creating} autoComplete="off" />
        </Form.Item>
        <Form.Item label="单位名称" name="name" rules={[{ required: true, whitespace: true, message: '请填写单位名称' }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item label="单位类型" name="kind" rules={[{ required: true, message: '请选择单位类型' }]}>
              <Select options={Object.entries(departmentKindLabels).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item label="所属区域" name="areaId">
              <TreeSelect treeData={areaTreeData(areas)} allowClear treeDefaultExpandAll placeholder="选择市、区或街道" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="上级单位" name="parentId" extra="热线中心为顶级单位；街道办事处的上级一般是所在区的人民政府。">
          <TreeSelect treeData={parentOptions} allowClear treeDefaultExpandAll showSearch treeNodeFilterProp="title" placeholder="无（顶级单位）" />
        </Form.Item>
        <Form.Item label="电子邮箱" name="email" extra="派单、催办、超时提醒发到这个地址。" rules={[{ type: 'email', message: '请填写有效的电子邮箱地址' }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item label="职责说明" name="remit" extra="派单员和智能派单据此判断事项是否属于本单位。">
          <Input.TextArea rows={3} maxLength={4000} showCount />
        </Form.Item>
        <Form.Item label="启用" name="active" valuePropName="checked" extra="停用后不再接收新派单，历史工单不受影响。">
          <Switch checkedChildren="启用" unCheckedChildren="停用" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
