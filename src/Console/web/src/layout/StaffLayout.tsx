import { Suspense, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { Badge, Button, Drawer, Grid, Layout, Menu, Space, Spin, Switch, Typography } from 'antd';
import { MenuOutlined } from '@ant-design/icons';
import { useAuth } from '../auth/AuthContext';
import { ChangePasswordModal } from '../components/ChangePasswordModal';
import { useLiveStatus } from '../live/LiveContext';
import { staffPages } from '../routes';
import { useDisplay } from '../theme';

const statusText = {
  connected: { status: 'success', text: '实时连接正常' },
  connecting: { status: 'processing', text: '正在连接…' },
  reconnecting: { status: 'warning', text: '连接中断，正在重连…' },
  disconnected: { status: 'error', text: '实时连接已断开' },
} as const;

/** The signed-in shell: navigation for the user's role, the live-connection state, large-text mode, one's password and sign-out. */
export function StaffLayout() {
  const { me, signOut } = useAuth();
  const live = useLiveStatus();
  const { largeText, setLargeText } = useDisplay();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [menuOpen, setMenuOpen] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  if (!me) return null;
  const pages = staffPages.filter((p) => p.roles.includes(me.role));
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={[location.pathname]}
      items={pages.map((p) => ({ key: p.path, label: <Link to={p.path}>{p.label}</Link> }))}
      onClick={() => setMenuOpen(false)}
    />
  );
  const narrow = !screens.md;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!narrow && (
        <Layout.Sider theme="light" width={200} style={{ borderRight: '1px solid #eee' }}>
          <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: '1.1em' }}>12345 热线工作台</div>
          <nav aria-label="主导航">{menu}</nav>
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 16px', borderBottom: '1px solid #eee', display: 'flex', alignItems: 'center', gap: 16 }}>
          {narrow && <Button icon={<MenuOutlined />} aria-label="打开导航" onClick={() => setMenuOpen(true)} />}
          <Badge status={statusText[live].status} text={statusText[live].text} data-testid="live-status" data-status={live} />
          <div style={{ flex: 1 }} />
          <Space size="middle" wrap>
            <label>
              <Space size={4}>
                <span>大字模式</span>
                <Switch size="small" checked={largeText} onChange={setLargeText} aria-label="大字模式" />
              </Space>
            </label>
            <Typography.Text>
              {me.displayName}（{me.roleLabel}）
            </Typography.Text>
            <Button onClick={() => setChangingPassword(true)}>修改密码</Button>
            <Button
              onClick={async () => {
                await signOut();
                navigate('/login');
              }}
            >
              退出
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 16 }}>
          <main>
            <Suspense fallback={<Spin tip="加载中…" />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
      {changingPassword && <ChangePasswordModal onClose={() => setChangingPassword(false)} />}
      <Drawer open={menuOpen} onClose={() => setMenuOpen(false)} placement="left" title="12345 热线工作台" size="default">
        <nav aria-label="主导航">{menu}</nav>
      </Drawer>
    </Layout>
  );
}
