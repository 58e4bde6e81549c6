// Chinese names for the codes the admin API speaks (enum names as the host writes them).

export const departmentKindLabels: Record<string, string> = {
  Centre: '热线中心',
  Functional: '职能部门',
  DistrictGovernment: '区人民政府',
  StreetOffice: '街道办事处',
  Enterprise: '公共服务企业',
};

export const areaLevelLabels: Record<string, string> = {
  City: '市',
  District: '区',
  Street: '街道',
};

export const catalogueLevelLabels: Record<string, string> = {
  City: '市级',
  District: '区级',
  Street: '街道级',
};

export const roleLabels: Record<string, string> = {
  agent: '话务员',
  dispatcher: '派单员',
  department: '承办单位',
  supervisor: '督办',
  admin: '系统管理员',
};

export const articleStatusLabels: Record<string, string> = {
  Draft: '草稿',
  Published: '已发布',
  Expired: '已失效',
};

export const ticketTypeLabels: Record<string, string> = {
  Consultation: '咨询',
  Help: '求助',
  Suggestion: '建议',
  Complaint: '投诉',
  Report: '举报',
  Praise: '表扬',
};

export function labelOf(labels: Record<string, string>, code: string | null | undefined): string {
  if (!code) return '';
  return labels[code] ?? code;
}
