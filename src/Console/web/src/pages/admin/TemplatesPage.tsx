import { useState } from 'react';
import { App, Button, Card, Empty, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, ApiError } from '../../api/http';
import { formatTime } from '../../components/format';
import { PageHeader } from './shared/PageHeader';
import { ProblemAlert } from './shared/ProblemAlert';
import { showProblemOnForm } from './shared/problemFields';
import type { MessageTemplate } from './shared/types';
import { useLoad } from './shared/useLoad';

/** What each template is for, as an admin recognises it. */
const purposes: Record<string, string> = {
  'sms.new-ticket': '受理回执（市民发短信反映问题）',
  'sms.receipt': '受理回执（话务员登记来电）',
  'sms.follow-up': '补充内容已记入工单',
  'sms.empty': '空短信提示',
  'sms.replied': '答复通知（含查看链接）',
  'sms.rating-invitation': '评价邀请',
  'sms.rating-thanks': '评价致谢',
  'sms.already-rated': '重复评价提示',
  'sms.rectification-report': '差评整改情况告知',
  'sms.follow-up-rating-invitation': '整改后再评价邀请',
  'sms.opt-out': '退订确认',
  'sms.opt-in': '恢复订阅确认',
};

const placeholders = ['{trackingCode}', '{link}', '{report}'];
const placeholderLabels: Record<string, string> = { '{trackingCode}': '查询码', '{link}': '链接', '{report}': '整改情况' };

/** How many SMS segments a text takes: 70 characters in one, 67 per segment when longer (UCS-2, as Chinese texts are sent). */
export function smsSegments(text: string): number {
  const length = [...text].length;
  return length <= 70 ? 1 : Math.ceil(length / 67);
}

/** 短信模板: the Chinese texts Hotline sends citizens; an admin may reword them, keeping the placeholders the default uses. */
export default function TemplatesPage() {
  const { message } = App.useApp();
  const templates = useLoad(() => api.get<MessageTemplate[]>('/api/admin/templates'), []);
  const [editing, setEditing] = useState<MessageTemplate | null>(null);
  // In the order a citizen meets them (receipt, reply, rating, rectification), unknown keys last.
  const order = Object.keys(purposes);
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  const ordered = [...(templates.data ?? [])].sort((a, b) => rank(a.key) - rank(b.key));

  const reset = async (t: MessageTemplate) => {
    try {
      await api.del(`/api/admin/templates/${encodeURIComponent(t.key)}`);
      message.success(`「${purposes[t.key] ?? t.key}」已恢复默认内容`);
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : '恢复失败，请重试。');
    }
    void templates.reload();
  };

  const columns: ColumnsType<MessageTemplate> = [
    {
      title: '用途',
      dataIndex: 'key',
      width: 220,
      render: (key: string) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{purposes[key] ?? key}</Typography.Text>
          <Typography.Text type="secondary" code>
            {key}
          </Typography.Text>
        </Space>
      ),
    },
    { title: '当前内容', dataIndex: 'text', render: (text: string) => <Typography.Paragraph style={{ margin: 0 }}>{text}</Typography.Paragraph> },
    {
      title: '状态',
      key: 'state',
      width: 180,
      render: (_, t) =>
        t.customised ? (
          <Space orientation="vertical" size={0}>
            <Tag color="blue">已自定义</Tag>
            <Typography.Text type="secondary" style={{ fontSize: '0.85em' }}>
              {t.updatedBy} · {formatTime(t.updatedAt)}
            </Typography.Text>
          </Space>
        ) : (
          <Tag>默认</Tag>
        ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 170,
      render: (_, t) => (
        <Space size={4}>
          <Button size="small" onClick={() => setEditing(t)} aria-label={`修改 ${purposes[t.key] ?? t.key}`}>
            修改
          </Button>
          {t.customised && (
            <Popconfirm title="恢复为默认内容？" okText="恢复默认" cancelText="取消" onConfirm={() => reset(t)}>
              <Button size="small" aria-label={`恢复默认 ${purposes[t.key] ?? t.key}`}>
                恢复默认
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="短信模板"
        onReload={() => void templates.reload()}
        intro={
          <>
            发给市民的短信内容。花括号中的占位符发送时替换为实际内容（查询码、链接、整改情况），修改时必须保留默认内容中的占位符。
          </>
        }
      />
      {templates.error && <ProblemAlert lines={[templates.error]} />}
      <Card>
        <Table<MessageTemplate>
          rowKey="key"
          size="middle"
          loading={templates.loading}
          columns={columns}
          dataSource={ordered}
          pagination={false}
          locale={{ emptyText: <Empty description="暂无短信模板" /> }}
          scroll={{ x: 800 }}
        />
      </Card>
      {editing && (
        <TemplateEditor
          template={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            message.success(`「${purposes[editing.key] ?? editing.key}」已保存`);
            void templates.reload();
          }}
        />
      )}
    </>
  );
}

function TemplateEditor({ template, onClose, onSaved }: { template: MessageTemplate; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm<{ text: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);
  const text: string = Form.useWatch('text', form) ?? template.text;
  const required = placeholders.filter((p) => template.defaultText.includes(p));

  return (
    <Modal
      open
      title={`修改「${purposes[template.key] ?? template.key}」`}
      onCancel={onClose}
      okText="保存"
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
      width={640}
    >
      <ProblemAlert lines={problem} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ text: template.text }}
        onFinish={async (values: { text: string }) => {
          setBusy(true);
          setProblem([]);
          try {
            await api.put(`/api/admin/templates/${encodeURIComponent(template.key)}`, values);
            onSaved();
          } catch (e) {
            setProblem(showProblemOnForm(form, e, ['text']));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item
          label="短信内容"
          name="text"
          rules={[
            { required: true, whitespace: true, message: '请填写短信内容' },
            {
              validator: (_, value: string | undefined) => {
                const missing = required.filter((p) => !(value ?? '').includes(p));
                return missing.length === 0 ? Promise.resolve() : Promise.reject(new Error(`须保留占位符 ${missing.join('、')}`));
              },
            },
          ]}
          extra={`约 ${[...text].length} 字（占位符替换前），${smsSegments(text)} 条短信计费。`}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={500} />
        </Form.Item>
      </Form>
      {required.length > 0 && (
        <Typography.Paragraph>
          须保留的占位符：
          {required.map((p) => (
            <Tag key={p} color={text.includes(p) ? 'green' : 'red'}>
              {p}（{placeholderLabels[p]}）
            </Tag>
          ))}
        </Typography.Paragraph>
      )}
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        默认内容：{template.defaultText}
      </Typography.Paragraph>
    </Modal>
  );
}
