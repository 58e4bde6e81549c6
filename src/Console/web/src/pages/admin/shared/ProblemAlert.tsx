import { Alert } from 'antd';

/** The messages of a failed action that have no input to stand beside (or a refused file's line errors), above a form or list. */
export function ProblemAlert({ lines, title, onClose }: { lines: string[]; title?: string; onClose?: () => void }) {
  if (lines.length === 0) return null;
  const [first, ...rest] = title ? [title, ...lines] : lines;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title={first}
      description={
        rest.length > 0 ? (
          <ul style={{ margin: 0, paddingInlineStart: 20, maxHeight: 240, overflow: 'auto' }}>
            {rest.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        ) : undefined
      }
      closable={onClose ? { onClose } : undefined}
    />
  );
}
