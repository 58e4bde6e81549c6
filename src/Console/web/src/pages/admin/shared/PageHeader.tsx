import type { ReactNode } from 'react';
import { Button, Space, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';

/** The top of an admin page: its title, a 刷新 button and the page's own actions, then what the page is for. */
export function PageHeader({ title, onReload, actions, intro }: { title: string; onReload: () => void; actions?: ReactNode; intro?: ReactNode }) {
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={onReload}>
            刷新
          </Button>
          {actions}
        </Space>
      </Space>
      {intro && <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>}
    </>
  );
}
