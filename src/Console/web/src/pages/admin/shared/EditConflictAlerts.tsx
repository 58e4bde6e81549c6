import { Alert, Button } from 'antd';

/**
 * What a versioned editor shows after a save was refused because someone else saved first (409): the host's message, what
 * happened in <paramref name="description"/>, and a button to load the latest version; then, once loaded, which version it is.
 */
export function EditConflictAlerts({
  conflict,
  description,
  reloaded,
  onReload,
}: {
  conflict?: string;
  description: string;
  reloaded?: number;
  onReload: () => void;
}) {
  return (
    <>
      {conflict && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          style={{ marginBottom: 16 }}
          title={conflict}
          description={description}
          action={
            <Button size="small" type="primary" onClick={onReload}>
              载入最新内容
            </Button>
          }
        />
      )}
      {reloaded !== undefined && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={`已载入最新的第 ${reloaded} 版，请重新修改后保存。`} />}
    </>
  );
}
