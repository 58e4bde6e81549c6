import { useState } from 'react';
import { App, Button, Form, Input, InputNumber, Modal, Space, Typography } from 'antd';
import { api, ApiError } from '../../api/http';
import type { Ticket } from '../../api/types';
import { actionLabels, actionsFor, type Action, type Part } from './inbox';

const doneMessages: Record<Action, string> = {
  sign: '已签收',
  reply: '已答复，市民将收到答复内容',
  return: '已申请退单，等待热线中心审核',
  extension: '已提交延期申请，等待督办审批',
  opinion: '已提交协办意见',
};

interface FormValues {
  reply?: string;
  internalNote?: string;
  reason?: string;
  days?: number;
  opinion?: string;
}

/**
 * The department's buttons for one ticket: sign at once; reply, return, extension and co-handler opinion through a form in a
 * dialog. Every request carries the version the handler saw, so acting on a ticket someone else changed meanwhile is refused
 * (409) instead of silently overwriting; the error is shown in Chinese and the list reloads.
 */
export function TicketActions({
  ticket,
  part,
  onDone,
  size = 'small',
}: {
  ticket: Ticket;
  part: Part;
  onDone: () => void;
  size?: 'small' | 'middle';
}) {
  const { message } = App.useApp();
  const [open, setOpen] = useState<Action>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<FormValues>();
  const actions = actionsFor(ticket, part);
  if (actions.length === 0) return null;

  const run = async (action: Action, body: object) => {
    setBusy(true);
    try {
      const path = action === 'opinion' ? 'co-handler-opinion' : action;
      await api.post(`/api/tickets/${ticket.id}/${path}`, { ...body, version: ticket.version });
      message.success(`${doneMessages[action]}：${ticket.trackingCode}`);
      setOpen(undefined);
      onDone();
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : String(e));
      if (e instanceof ApiError && e.status === 409) onDone();
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    if (!open) return;
    const values = await form.validateFields();
    switch (open) {
      case 'reply':
        return run('reply', { reply: values.reply, internalNote: values.internalNote || undefined });
      case 'return':
        return run('return', { reason: values.reason });
      case 'extension':
        return run('extension', { days: values.days, reason: values.reason });
      case 'opinion':
        return run('opinion', { opinion: values.opinion });
      default:
        return undefined;
    }
  };

  return (
    <>
      <Space size={4} wrap>
        {actions.map((action) => (
          <Button
            key={action}
            size={size}
            type={action === 'sign' || action === 'reply' ? 'primary' : 'default'}
            danger={action === 'return'}
            loading={busy && action === 'sign'}
            aria-label={`${actionLabels[action]} ${ticket.trackingCode}`}
            onClick={(e) => {
              e.stopPropagation();
              if (action === 'sign') void run('sign', {});
              else setOpen(action);
            }}
          >
            {actionLabels[action]}
          </Button>
        ))}
      </Space>
      <Modal
        open={!!open}
        title={open ? `${actionLabels[open]} · ${ticket.trackingCode}` : ''}
        okText={open === 'return' ? '确认退单' : '提交'}
        okButtonProps={{ danger: open === 'return', loading: busy }}
        cancelText="取消"
        onOk={() => void submit()}
        onCancel={() => setOpen(undefined)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }}>
          {ticket.title}
        </Typography.Paragraph>
        <Form form={form} layout="vertical" preserve={false} onClick={(e) => e.stopPropagation()}>
          {open === 'reply' && (
            <>
              <Form.Item
                name="reply"
                label="答复内容（将告知市民）"
                rules={[{ required: true, whitespace: true, message: '请填写答复内容' }, { max: 10000 }]}
              >
                <Input.TextArea rows={5} showCount maxLength={10000} placeholder="办理结果、依据和联系方式，市民将收到这段答复" />
              </Form.Item>
              <Form.Item name="internalNote" label="内部备注（市民不可见，可不填）" rules={[{ max: 2000 }]}>
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
            </>
          )}
          {open === 'return' && (
            <>
              <Typography.Paragraph>退单须说明不属于本单位职责的理由，由热线中心审核后改派。</Typography.Paragraph>
              <Form.Item name="reason" label="退单理由" rules={[{ required: true, whitespace: true, message: '请填写退单理由' }, { max: 2000 }]}>
                <Input.TextArea rows={4} maxLength={2000} showCount placeholder="例如：该事项属于区市场监管局职责（依据……）" />
              </Form.Item>
            </>
          )}
          {open === 'extension' && (
            <>
              {/* The ceiling is a city's setting (Hotline:Sla:MaxExtensionWorkingDays): the host says when a request exceeds it. */}
              <Form.Item
                name="days"
                label={
                  ticket.extensionDaysGranted > 0 ? `延期工作日数（已批准延期 ${ticket.extensionDaysGranted} 个工作日）` : '延期工作日数'
                }
                rules={[{ required: true, message: '请填写延期天数' }]}
                initialValue={5}
              >
                <InputNumber min={1} max={60} precision={0} style={{ width: 160 }} suffix="个工作日" />
              </Form.Item>
              <Form.Item name="reason" label="延期理由" rules={[{ required: true, whitespace: true, message: '请填写延期理由' }, { max: 2000 }]}>
                <Input.TextArea rows={4} maxLength={2000} showCount />
              </Form.Item>
            </>
          )}
          {open === 'opinion' && (
            <Form.Item name="opinion" label="协办意见" rules={[{ required: true, whitespace: true, message: '请填写协办意见' }, { max: 10000 }]}>
              <Input.TextArea rows={5} maxLength={10000} showCount />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
