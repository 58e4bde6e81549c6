import { Typography } from 'antd';

// Placeholder until this page is built.
export default function HolidaysPage() {
  return <Typography.Title level={2}>节假日安排</Typography.Title>;
}
