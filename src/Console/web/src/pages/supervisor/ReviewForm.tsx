import { useState } from 'react';
import { App, Button, Form, Input, Radio, Typography } from 'antd';
import { api, ApiError } from '../../api/http';
import type { Rectification } from '../department/rectifications';

/** The supervisor's review of a reported rectification: accept (the citizen is told and may rate again) or send it back. */
export function ReviewForm({ record, onDone }: { record: Rectification; onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ accept: boolean; note?: string }>();
  const [busy, setBusy] = useState(false);
  const accept = Form.useWatch('accept', form);
  if (record.stage !== 'Review') return null;
  const submit = async (values: { accept: boolean; note?: string }) => {
    setBusy(true);
    try {
      await api.post(`/api/feedback/rectifications/${record.id}/review`, { accept: values.accept, note: values.note || undefined, version: record.version });
      message.success(values.accept ? '已通过，整改结果将告知市民' : '已退回承办单位重新整改');
      onDone();
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ border: '1px solid #d9d9d9', borderRadius: 8, padding: 16 }}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        督办审核
      </Typography.Title>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ accept: true }}>
        <Form.Item name="accept" label="审核结论" rules={[{ required: true }]}>
          <Radio.Group
            options={[
              { value: true, label: '通过' },
              { value: false, label: '退回重新整改' },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="note"
          label={accept === false ? '退回理由' : '审核意见（可不填）'}
          rules={accept === false ? [{ required: true, whitespace: true, message: '退回整改时请写明理由' }] : []}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          提交审核
        </Button>
      </Form>
    </div>
  );
}
