import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from './api/types';

/**
 * Every staff page, the roles that see it in the navigation, and the label in the menu. The host enforces the same rules on
 * every API call; the navigation only spares people pages they could not use. Pages load on demand (one chunk each), so the
 * first page ships only what it needs.
 */
export interface StaffPage {
  path: string;
  label: string;
  roles: Role[];
  component: LazyExoticComponent<ComponentType>;
}

export const staffPages: StaffPage[] = [
  { path: '/agent', label: '话务工作台', roles: ['agent'], component: lazy(() => import('./pages/agent/AgentWorkspace')) },
  { path: '/dispatch', label: '派单中心', roles: ['dispatcher', 'agent', 'supervisor'], component: lazy(() => import('./pages/dispatcher/DispatcherPage')) },
  { path: '/department', label: '承办工单', roles: ['department'], component: lazy(() => import('./pages/department/DepartmentInbox')) },
  { path: '/department/rectifications', label: '整改任务', roles: ['department'], component: lazy(() => import('./pages/department/DepartmentRectifications')) },
  { path: '/supervisor', label: '监督看板', roles: ['supervisor', 'admin'], component: lazy(() => import('./pages/supervisor/SupervisorDashboard')) },
  { path: '/supervisor/overdue', label: '超时与催办', roles: ['supervisor'], component: lazy(() => import('./pages/supervisor/OverduePage')) },
  { path: '/tickets', label: '工单查询', roles: ['agent', 'dispatcher', 'department', 'supervisor', 'admin'], component: lazy(() => import('./pages/TicketSearch')) },
  { path: '/knowledge', label: '知识库', roles: ['agent', 'dispatcher', 'department', 'supervisor'], component: lazy(() => import('./pages/KnowledgeSearch')) },
  { path: '/admin/departments', label: '单位管理', roles: ['admin'], component: lazy(() => import('./pages/admin/DepartmentsPage')) },
  { path: '/admin/catalogue', label: '派单目录', roles: ['admin'], component: lazy(() => import('./pages/admin/CataloguePage')) },
  { path: '/admin/sla', label: '办理时限', roles: ['admin'], component: lazy(() => import('./pages/admin/SlaPage')) },
  { path: '/admin/holidays', label: '节假日安排', roles: ['admin'], component: lazy(() => import('./pages/admin/HolidaysPage')) },
  { path: '/admin/knowledge', label: '知识库管理', roles: ['admin', 'department'], component: lazy(() => import('./pages/admin/KnowledgeAdminPage')) },
  { path: '/admin/staff', label: '人员账号', roles: ['admin'], component: lazy(() => import('./pages/admin/StaffPage')) },
  { path: '/admin/templates', label: '短信模板', roles: ['admin'], component: lazy(() => import('./pages/admin/TemplatesPage')) },
  { path: '/admin/routing', label: '智能派单模型', roles: ['admin'], component: lazy(() => import('./pages/admin/RoutingModelsPage')) },
];

/** Where a role lands after signing in. */
export const homeOf: Record<Role, string> = {
  agent: '/agent',
  dispatcher: '/dispatch',
  department: '/department',
  supervisor: '/supervisor',
  admin: '/admin/departments',
};
