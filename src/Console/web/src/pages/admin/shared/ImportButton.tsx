import { useState } from 'react';
import { Button, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';

/**
 * An admin page's import button: picks one file, hands it to the page (which uploads it and reports the outcome), and spins
 * until the page is done. The file never goes through antd's own upload list.
 */
export function ImportButton({ accept, label, onFile }: { accept: string; label: string; onFile: (file: File) => Promise<void> }) {
  const [importing, setImporting] = useState(false);
  const pick = (file: File) => {
    setImporting(true);
    void onFile(file).finally(() => setImporting(false));
    return false;
  };
  return (
    <Upload accept={accept} showUploadList={false} beforeUpload={pick}>
      <Button icon={<UploadOutlined />} loading={importing}>
        {label}
      </Button>
    </Upload>
  );
}
