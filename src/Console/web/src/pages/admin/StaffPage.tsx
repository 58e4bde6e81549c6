import { useMemo, useState } from 'react';
import { App, Button, Card, Empty, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { api, ApiError } from '../../api/http';
import { useAuth } from '../../auth/AuthContext';
import { formatTime } from '../../components/format';
import { passwordPolicy } from '../../components/passwordPolicy';
import { PageHeader } from './shared/PageHeader';
import { ProblemAlert } from './shared/ProblemAlert';
import { labelOf, roleLabels } from './shared/labels';
import { showProblemOnForm } from './shared/problemFields';
import { useReference } from './shared/reference';
import type { Department, StaffAccount } from './shared/types';
import { useLoad } from './shared/useLoad';

interface StaffForm {
  userName: string;
  displayName: string;
  role: string;
  departmentId?: string | null;
  password: string;
}

const formFields = ['userName', 'displayName', 'role', 'departmentId', 'password'] as const;
const roleColors: Record<string, string> = { agent: 'blue', dispatcher: 'geekblue', department: 'green', supervisor: 'purple', admin: 'red' };

/**
 * 人员账号: who may sign in, in which role and (for handling units) for which department; accounts locked by wrong passwords,
 * passwords reset for people who forgot theirs, and accounts stopped for people who left.
 */
export default function StaffPage() {
  const { message } = App.useApp();
  const { me } = useAuth();
  const [resetting, setResetting] = useState<StaffAccount>();
  const staff = useLoad(() => api.get<StaffAccount[]>('/api/admin/staff'), []);
  const reference = useReference();
  const [role, setRole] = useState<string>();
  const [text, setText] = useState('');
  const [creating, setCreating] = useState(false);
  const departmentNames = useMemo(() => new Map((reference.data?.departments ?? []).map((d) => [d.id, d.name])), [reference.data]);

  const rows = useMemo(() => {
    const q = text.trim().toLowerCase();
    return (staff.data ?? []).filter(
      (s) => (!role || s.role === role) && (!q || s.userName.toLowerCase().includes(q) || s.displayName.toLowerCase().includes(q)),
    );
  }, [staff.data, role, text]);
  const lockedCount = (staff.data ?? []).filter((s) => s.lockedOut).length;

  const unlock = async (account: StaffAccount) => {
    try {
      await api.post(`/api/admin/staff/${encodeURIComponent(account.id)}/unlock`);
      message.success(`已解除「${account.displayName}」的锁定`);
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : '解除锁定失败，请重试。');
    }
    void staff.reload();
  };

  const setDisabled = async (account: StaffAccount, disabled: boolean) => {
    try {
      await api.post(`/api/admin/staff/${encodeURIComponent(account.id)}/${disabled ? 'disable' : 'enable'}`);
      message.success(disabled ? `已停用「${account.displayName}」的账号` : `已启用「${account.displayName}」的账号`);
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : '操作失败，请重试。');
    }
    void staff.reload();
  };

  const columns: ColumnsType<StaffAccount> = [
    { title: '用户名', dataIndex: 'userName', render: (u: string) => <Typography.Text code>{u}</Typography.Text> },
    { title: '姓名', dataIndex: 'displayName' },
    { title: '角色', dataIndex: 'role', render: (r: string) => <Tag color={roleColors[r]}>{labelOf(roleLabels, r)}</Tag> },
    { title: '所属单位', dataIndex: 'departmentId', render: (id: string | null) => (id ? (departmentNames.get(id) ?? id) : '—') },
    {
      title: '账号状态',
      key: 'state',
      render: (_, s) =>
        s.disabled ? (
          <Tag>已停用</Tag>
        ) : s.lockedOut ? (
          <Space orientation="vertical" size={0}>
            <Tag color="red">已锁定</Tag>
            <Typography.Text type="secondary" style={{ fontSize: '0.85em' }}>
              密码连续输错{s.lockedOutUntil ? `，${formatTime(s.lockedOutUntil)} 自动解锁` : ''}
            </Typography.Text>
          </Space>
        ) : (
          <Tag color="green">正常</Tag>
        ),
    },
    {
      title: '操作',
      key: 'actions',
      render: (_, s) => (
        <Space wrap size="small">
          {s.lockedOut && !s.disabled && (
            <Popconfirm
              title={`解除「${s.displayName}」的锁定？`}
              description="请先确认是本人在尝试登录。"
              okText="解除锁定"
              cancelText="取消"
              onConfirm={() => unlock(s)}
            >
              <Button size="small" aria-label={`解除锁定 ${s.displayName}`}>
                解除锁定
              </Button>
            </Popconfirm>
          )}
          <Button size="small" aria-label={`重置密码 ${s.displayName}`} onClick={() => setResetting(s)}>
            重置密码
          </Button>
          {s.disabled ? (
            <Popconfirm title={`启用「${s.displayName}」的账号？`} okText="启用" cancelText="取消" onConfirm={() => setDisabled(s, false)}>
              <Button size="small" aria-label={`启用 ${s.displayName}`}>
                启用
              </Button>
            </Popconfirm>
          ) : (
            s.id !== me?.id && (
              <Popconfirm
                title={`停用「${s.displayName}」的账号？`}
                description="停用后不能登录，已登录的页面一分钟内失效；工单记录中的姓名保留。"
                okText="停用"
                okButtonProps={{ danger: true }}
                cancelText="取消"
                onConfirm={() => setDisabled(s, true)}
              >
                <Button size="small" danger aria-label={`停用 ${s.displayName}`}>
                  停用
                </Button>
              </Popconfirm>
            )
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="人员账号"
        onReload={() => void staff.reload()}
        actions={
          <>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              新增账号
            </Button>
          </>
        }
        intro={
          <>
            每个账号只有一个角色；承办单位人员必须绑定所属单位，只能看到和办理本单位的工单。密码连续输错 5 次，账号锁定 5 分钟。人员离岗请停用账号（不删除，工单记录中的姓名保留）。
          </>
        }
      />
      {staff.error && <ProblemAlert lines={[staff.error]} />}
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder="用户名或姓名" aria-label="按用户名或姓名筛选" onChange={(e) => setText(e.target.value)} style={{ width: 200 }} />
          <Select
            allowClear
            placeholder="全部角色"
            aria-label="按角色筛选"
            style={{ width: 160 }}
            value={role}
            onChange={setRole}
            options={Object.entries(roleLabels).map(([value, label]) => ({ value, label }))}
          />
          <Typography.Text type="secondary">
            共 {staff.data?.length ?? 0} 个账号{lockedCount > 0 ? `，${lockedCount} 个已锁定` : ''}
          </Typography.Text>
        </Space>
        <Table<StaffAccount>
          rowKey="id"
          size="middle"
          loading={staff.loading}
          columns={columns}
          dataSource={rows}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description={staff.data?.length ? '没有符合条件的账号' : '暂无账号'} /> }}
          scroll={{ x: 720 }}
        />
      </Card>
      {resetting && (
        <PasswordReset
          account={resetting}
          onClose={() => setResetting(undefined)}
          onSaved={() => {
            message.success(`已重置「${resetting.displayName}」的密码，请通过安全渠道告知本人，并提醒其登录后修改。`);
            setResetting(undefined);
            void staff.reload();
          }}
        />
      )}
      {creating && (
        <StaffEditor
          departments={reference.data?.departments ?? []}
          onClose={() => setCreating(false)}
          onSaved={(saved) => {
            setCreating(false);
            message.success(`已新增账号「${saved.userName}」（${labelOf(roleLabels, saved.role)}）`);
            void staff.reload();
          }}
        />
      )}
    </>
  );
}

function StaffEditor({ departments, onClose, onSaved }: { departments: Department[]; onClose: () => void; onSaved: (saved: StaffAccount) => void }) {
  const [form] = Form.useForm<StaffForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);
  const role = Form.useWatch('role', form);

  const save = async (values: StaffForm) => {
    setBusy(true);
    setProblem([]);
    try {
      const saved = await api.post<StaffAccount>('/api/admin/staff', {
        ...values,
        userName: values.userName.trim(),
        displayName: values.displayName.trim(),
        departmentId: values.role === 'department' ? values.departmentId : null,
      });
      onSaved(saved);
    } catch (e) {
      setProblem(showProblemOnForm(form, e, formFields));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title="新增工作人员账号"
      onCancel={onClose}
      okText="创建账号"
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <ProblemAlert lines={problem} />
      <Form<StaffForm> form={form} layout="vertical" onFinish={save} initialValues={{ role: 'agent' }} autoComplete="off">
        <Form.Item label="用户名" name="userName" extra="登录时使用，创建后不能修改。" rules={[{ required: true, whitespace: true, message: '请填写用户名' }]}>
          <Input maxLength={64} autoComplete="off" />
        </Form.Item>
        <Form.Item label="姓名" name="displayName" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label="角色" name="role" rules={[{ required: true, message: '请选择角色' }]}>
          <Select options={Object.entries(roleLabels).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        {role === 'department' && (
          <Form.Item label="所属单位" name="departmentId" rules={[{ required: true, message: '请选择所属单位' }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="选择承办单位"
              options={departments.filter((d) => d.active && d.kind !== 'Centre').map((d) => ({ value: d.id, label: d.name }))}
            />
          </Form.Item>
        )}
        <Form.Item
          label="初始密码"
          name="password"
          extra={`${passwordPolicy}请通过安全渠道告知本人。`}
          rules={[{ required: true, message: '请设置初始密码' }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PasswordReset({ account, onClose, onSaved }: { account: StaffAccount; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm<{ password: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);

  const save = async ({ password }: { password: string }) => {
    setBusy(true);
    setProblem([]);
    try {
      await api.post(`/api/admin/staff/${encodeURIComponent(account.id)}/password`, { password });
      onSaved();
    } catch (e) {
      setProblem(showProblemOnForm(form, e, ['password']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={`重置「${account.displayName}」的密码`}
      onCancel={onClose}
      okText="重置密码"
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <ProblemAlert lines={problem} />
      <Form<{ password: string }> form={form} layout="vertical" onFinish={save} autoComplete="off">
        <Form.Item
          label="新密码"
          name="password"
          extra={`${passwordPolicy}重置后该账号在其他地方的登录一分钟内失效，锁定同时解除。`}
          rules={[{ required: true, message: '请输入新密码' }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
