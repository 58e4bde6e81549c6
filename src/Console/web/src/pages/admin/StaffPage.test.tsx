import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from 'antd';
import { AuthProvider } from '../../auth/AuthContext';
import StaffPage from './StaffPage';

const json = (body: unknown, status = 200, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('StaffPage', () => {
  it('lists accounts with their lockout state and shows the host’s field errors beside the inputs of a refused account', async () => {
    const posted: unknown[] = [];
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (url === '/api/admin/staff' && init?.method === 'POST') {
        posted.push(JSON.parse(String(init.body)));
        return json(
          {
            title: '请求参数有误',
            detail: '请求中有字段不符合要求，请按提示修改后重试。',
            status: 400,
            errors: { userName: ['用户名「agent」已被使用。'], password: ['密码须包含数字。'] },
          },
          400,
          'application/problem+json',
        );
      }
      if (url === '/api/admin/staff')
        return json([
          { id: '1', userName: 'agent', displayName: '话务员甲', role: 'agent', departmentId: null, lockedOut: false },
          { id: '2', userName: 'housing', displayName: '住建局乙', role: 'department', departmentId: 'city-housing', lockedOut: true, lockedOutUntil: '2026-11-23T01:05:00Z' },
        ]);
      if (url === '/api/departments')
        return json([{ id: 'city-housing', name: '市住房和城乡建设局', kind: 'Functional', parentId: null, areaId: null, email: null, remit: null, active: true }]);
      return json([]);
    });

    render(
      <App>
        <AuthProvider>
          <StaffPage />
        </AuthProvider>
      </App>,
    );
    const lockedRow = (await screen.findByText('住建局乙')).closest('tr')!;
    expect(within(lockedRow).getByText('已锁定')).toBeTruthy();
    expect(within(lockedRow).getByText('市住房和城乡建设局')).toBeTruthy();
    expect(within(lockedRow).getByRole('button', { name: '解除锁定 住建局乙' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: /新增账号/ }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('用户名'), { target: { value: 'agent' } });
    fireEvent.change(within(dialog).getByLabelText('姓名'), { target: { value: '新话务员' } });
    fireEvent.change(within(dialog).getByLabelText('初始密码'), { target: { value: 'Password!' } });
    fireEvent.click(within(dialog).getByRole('button', { name: /创建账号/ }));

    await waitFor(() => expect(within(dialog).getByText('用户名「agent」已被使用。')).toBeTruthy());
    expect(within(dialog).getByText('密码须包含数字。')).toBeTruthy();
    expect(posted).toEqual([{ userName: 'agent', displayName: '新话务员', role: 'agent', departmentId: null, password: 'Password!' }]);
    // Each message stands beside its own input: antd links them through aria-describedby.
    const userName = within(dialog).getByLabelText('用户名');
    const describedBy = userName.getAttribute('aria-describedby') ?? '';
    expect(describedBy.split(' ').some((id) => document.getElementById(id)?.textContent?.includes('已被使用'))).toBe(true);
  }, 30_000); // antd renders slowly in jsdom on a busy machine; nothing here waits on time

  it('stops and restarts accounts, but never offers to stop the signed-in admin’s own', async () => {
    const posted: string[] = [];
    const accounts = [
      { id: '1', userName: 'agent', displayName: '话务员甲', role: 'agent', departmentId: null, lockedOut: false, disabled: false },
      { id: '3', userName: 'left', displayName: '已离岗丙', role: 'agent', departmentId: null, lockedOut: false, disabled: true },
      { id: '9', userName: 'admin', displayName: '管理员', role: 'admin', departmentId: null, lockedOut: false, disabled: false },
    ];
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (url === '/api/auth/me') return json({ id: '9', userName: 'admin', displayName: '管理员', role: 'admin', roleLabel: '系统管理员', departmentId: null });
      if (init?.method === 'POST') {
        posted.push(url);
        const [, id, action] = /\/api\/admin\/staff\/(\d+)\/(\w+)/.exec(url)!;
        const account = accounts.find((a) => a.id === id)!;
        account.disabled = action === 'disable';
        return json(account);
      }
      if (url === '/api/admin/staff') return json(accounts);
      return json([]);
    });

    render(
      <App>
        <AuthProvider>
          <StaffPage />
        </AuthProvider>
      </App>,
    );
    const ownRow = (await screen.findByText('管理员')).closest('tr')!;
    await waitFor(() => expect(within(ownRow).getByRole('button', { name: '重置密码 管理员' })).toBeTruthy());
    expect(within(ownRow).queryByRole('button', { name: '停用 管理员' })).toBeNull();
    const leftRow = screen.getByText('已离岗丙').closest('tr')!;
    expect(within(leftRow).getByText('已停用')).toBeTruthy();

    fireEvent.click(within(screen.getByText('话务员甲').closest('tr')!).getByRole('button', { name: '停用 话务员甲' }));
    fireEvent.click(await screen.findByRole('button', { name: '停 用' }));
    await waitFor(() => expect(posted).toEqual(['/api/admin/staff/1/disable']));
    await waitFor(() => expect(within(screen.getByText('话务员甲').closest('tr')!).getByText('已停用')).toBeTruthy());

    fireEvent.click(within(leftRow).getByRole('button', { name: '启用 已离岗丙' }));
    fireEvent.click(await screen.findByRole('button', { name: '启 用' }));
    await waitFor(() => expect(posted).toEqual(['/api/admin/staff/1/disable', '/api/admin/staff/3/enable']));
  }, 30_000);
});
