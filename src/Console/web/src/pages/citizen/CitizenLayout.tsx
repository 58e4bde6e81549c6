import { Suspense, useEffect } from 'react';
import { Link, NavLink, Outlet } from 'react-router-dom';
import { ConfigProvider, Spin, Switch } from 'antd';
import { useDisplay } from '../../theme';
import './citizen.css';

/** Sets the document title of a citizen page (WCAG 2.4.2: every page says what it is). */
export function useCitizenTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · 12345 政务服务便民热线`;
  }, [title]);
}

/**
 * The public shell of the self-service pages (no sign-in): a skip link, a header with the two destinations and the large-text
 * switch (大字模式), the page in <main>, and a footer with the other ways to reach 12345. The nested theme darkens antd's
 * link, error, secondary and placeholder colours, which are lighter than WCAG AA's 4.5:1 in the default theme, and sets a
 * 16 px base (22 px in large-text mode) for reading on a phone.
 */
export default function CitizenLayout() {
  const { largeText, setLargeText } = useDisplay();
  return (
    <ConfigProvider
      button={{ autoInsertSpace: false }}
      theme={{
        token: {
          // antd's link and error colours (#1677ff, #ff4d4f) are below 4.5:1 on white, and its hover shades are lighter than
          // the primary colour (white text on them falls below 4.5:1 too); these keep its look and pass, hover included.
          colorPrimaryHover: '#0f47a8',
          colorPrimaryActive: '#0d3f99',
          colorLink: '#1456c8',
          colorLinkHover: '#0f47a8',
          colorLinkActive: '#0d3f99',
          colorError: '#c41d1d',
          colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
          colorTextDescription: 'rgba(0, 0, 0, 0.68)',
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
          colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
          fontSize: largeText ? 22 : 16,
          controlHeight: largeText ? 50 : 38,
        },
      }}
    >
      <div className="citizen-shell">
        <a className="citizen-skip" href="#citizen-main">
          跳到主要内容
        </a>
        <header className="citizen-header">
          <div className="citizen-header-inner">
            <Link to="/citizen" className="citizen-brand">
              <span>12345</span> 政务服务便民热线
            </Link>
            <nav className="citizen-nav" aria-label="市民服务">
              <ul>
                <li>
                  <NavLink to="/citizen" end>
                    提交诉求
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/citizen/track">查询进度</NavLink>
                </li>
              </ul>
            </nav>
            <label className="citizen-large-text">
              <span>大字模式</span>
              <Switch checked={largeText} onChange={setLargeText} aria-label="大字模式" data-testid="large-text" />
            </label>
          </div>
        </header>
        <main id="citizen-main" className="citizen-main" tabIndex={-1}>
          <div className="citizen-main-inner">
            <Suspense fallback={<Spin tip="加载中…" />}>
              <Outlet />
            </Suspense>
          </div>
        </main>
        <footer className="citizen-footer">
          <div className="citizen-footer-inner">
            <p>12345 政务服务便民热线：电话 12345（全天受理），也可发送短信办理；收到答复短信后直接回复数字 1–5 即可评价。</p>
            <p>
              遇到火灾、治安、急救等紧急情况，请立即拨打 119、110、120。 <Link to="/login">工作人员登录</Link>
            </p>
          </div>
        </footer>
      </div>
    </ConfigProvider>
  );
}
