import { Outlet } from 'react-router-dom';

// Placeholder until the citizen pages are built.
export default function CitizenLayout() {
  return (
    <main>
      <Outlet />
    </main>
  );
}
