import { useState } from 'react';
import { App, Form, Input, Modal } from 'antd';
import { api } from '../api/http';
import { ProblemAlert } from '../pages/admin/shared/ProblemAlert';
import { showProblemOnForm } from '../pages/admin/shared/problemFields';
import { passwordPolicy } from './passwordPolicy';

interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

const fields = ['currentPassword', 'newPassword'] as const;

/** 修改密码: the signed-in person changes their own password; this session goes on, their other sessions end. */
export function ChangePasswordModal({ onClose }: { onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);

  const save = async ({ currentPassword, newPassword }: PasswordForm) => {
    setBusy(true);
    setProblem([]);
    try {
      await api.post('/api/auth/password', { currentPassword, newPassword });
      message.success('密码已修改，其他设备上的登录将在一分钟内失效。');
      onClose();
    } catch (e) {
      setProblem(showProblemOnForm(form, e, fields));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title="修改密码" onCancel={onClose} okText="确认修改" cancelText="取消" confirmLoading={busy} onOk={() => form.submit()} destroyOnHidden>
      <ProblemAlert lines={problem} />
      <Form<PasswordForm> form={form} layout="vertical" onFinish={save} autoComplete="off">
        <Form.Item label="当前密码" name="currentPassword" rules={[{ required: true, message: '请输入当前密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          label="新密码"
          name="newPassword"
          extra={passwordPolicy}
          rules={[{ required: true, message: '请输入新密码' }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label="确认新密码"
          name="confirm"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue('newPassword') === value ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致')),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
