import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ConfigProvider, App as AntApp, theme as antTheme } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';

dayjs.locale('zh-cn');

interface Display {
  largeText: boolean;
  setLargeText: (on: boolean) => void;
}

const DisplayContext = createContext<Display>({ largeText: false, setLargeText: () => undefined });
const storageKey = 'hotline.largeText';

/**
 * Ant Design in Chinese, with a large-text mode (适老化) that every page honours: it raises the base font and control sizes
 * through the theme, so no page needs its own rules. The choice is remembered in the browser.
 */
export function DisplayProvider({ children }: { children: ReactNode }) {
  const [largeText, setLargeText] = useState(() => localStorage.getItem(storageKey) === '1');
  useEffect(() => {
    localStorage.setItem(storageKey, largeText ? '1' : '0');
    document.documentElement.dataset.largeText = largeText ? 'true' : 'false';
  }, [largeText]);
  return (
    <DisplayContext.Provider value={{ largeText, setLargeText }}>
      <ConfigProvider
        locale={zhCN}
        theme={{
          algorithm: antTheme.defaultAlgorithm,
          token: {
            // #1456c8 on white is 6.3:1, above WCAG AA's 4.5:1 for text.
            colorPrimary: '#1456c8',
            fontSize: largeText ? 20 : 14,
            controlHeight: largeText ? 44 : 32,
            fontFamily: "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
          },
        }}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </DisplayContext.Provider>
  );
}

export function useDisplay(): Display {
  return useContext(DisplayContext);
}
