import { Typography } from 'antd';

// Placeholder until this page is built.
export default function CitizenTrack() {
  return <Typography.Title level={2}>查询办理进度</Typography.Title>;
}
