import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { ApiError } from '../api/http';
import { useAuth } from '../auth/AuthContext';
import { homeOf } from '../routes';

export default function LoginPage() {
  const { me, signIn } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (me) return <Navigate to={params.get('next') ?? homeOf[me.role]} replace />;
  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f3f8', padding: 16 }}>
      <Card style={{ width: 400, maxWidth: '100%' }}>
        <Typography.Title level={1} style={{ fontSize: '1.6em' }}>
          12345 热线工作台
        </Typography.Title>
        <Typography.Paragraph type="secondary">工作人员登录。市民请前往 <a href="/citizen">市民服务</a>。</Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form
          layout="vertical"
          onFinish={async (values: { userName: string; password: string }) => {
            setBusy(true);
            setError(undefined);
            try {
              const signedIn = await signIn(values.userName, values.password);
              navigate(params.get('next') ?? homeOf[signedIn.role], { replace: true });
            } catch (e) {
              setError(e instanceof ApiError ? e.summary : '登录失败，请重试。');
            } finally {
              setBusy(false);
            }
          }}
        >
          <Form.Item label="用户名" name="userName" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </main>
  );
}
