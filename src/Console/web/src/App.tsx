import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Spin } from 'antd';
import { AuthProvider, useAuth } from './auth/AuthContext';
import { StaffLayout } from './layout/StaffLayout';
import { LiveProvider } from './live/LiveContext';
import LoginPage from './pages/LoginPage';
import { homeOf, staffPages } from './routes';
import { DisplayProvider } from './theme';

const CitizenLayout = lazy(() => import('./pages/citizen/CitizenLayout'));
const CitizenHome = lazy(() => import('./pages/citizen/CitizenHome'));
const CitizenTrack = lazy(() => import('./pages/citizen/CitizenTrack'));
const CitizenRate = lazy(() => import('./pages/citizen/CitizenRate'));

function Loading() {
  return (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin tip="加载中…" />
    </div>
  );
}

/** Staff pages need a sign-in; the live connection opens once signed in and closes on sign-out. */
function RequireStaff() {
  const { me } = useAuth();
  const location = useLocation();
  if (me === undefined) return <Loading />;
  if (me === null) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return (
    <LiveProvider key={me.id}>
      <StaffLayout />
    </LiveProvider>
  );
}

function Home() {
  const { me } = useAuth();
  if (me === undefined) return <Loading />;
  return <Navigate to={me ? homeOf[me.role] : '/login'} replace />;
}

export default function App() {
  return (
    <DisplayProvider>
      <BrowserRouter>
        <AuthProvider>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route path="/" element={<Home />} />
              <Route path="/login" element={<LoginPage />} />
              <Route path="/citizen" element={<CitizenLayout />}>
                <Route index element={<CitizenHome />} />
                <Route path="track" element={<CitizenTrack />} />
                <Route path="rate/:token" element={<CitizenRate />} />
              </Route>
              <Route element={<RequireStaff />}>
                {staffPages.map((p) => (
                  <Route key={p.path} path={p.path} element={<p.component />} />
                ))}
              </Route>
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        </AuthProvider>
      </BrowserRouter>
    </DisplayProvider>
  );
}

function NotFound() {
  return (
    <main style={{ padding: 48, textAlign: 'center' }}>
      <h1>页面不存在</h1>
      <p>
        <a href="/">返回首页</a>
      </p>
    </main>
  );
}
