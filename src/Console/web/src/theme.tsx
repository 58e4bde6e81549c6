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

const reducedMotionQuery = '(prefers-reduced-motion: reduce)';

/** Whether the person asked their system for less motion; follows a change while the page is open. */
function useReducedMotion(): boolean {
  const [reduced, setReduced] = useState(() => window.matchMedia?.(reducedMotionQuery).matches ?? false);
  useEffect(() => {
    const query = window.matchMedia?.(reducedMotionQuery);
    if (!query) return;
    const changed = () => setReduced(query.matches);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }, []);
  return reduced;
}

/**
 * Ant Design in Chinese, with a large-text mode (适老化) that every page honours: it raises the base font and control sizes
 * through the theme, so no page needs its own rules. The choice is remembered in the browser. Animations are off for people
 * whose system asks for reduced motion (WCAG 2.3.3); the browser tests ask for it too, so no click lands on a dialog still
 * zooming in.
 */
export function DisplayProvider({ children }: { children: ReactNode }) {
  const [largeText, setLargeText] = useState(() => localStorage.getItem(storageKey) === '1');
  const reducedMotion = useReducedMotion();
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
            motion: !reducedMotion,
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
