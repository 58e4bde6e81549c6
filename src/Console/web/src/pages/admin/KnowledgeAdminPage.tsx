import { useMemo, useState } from 'react';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Col,
  DatePicker,
  Drawer,
  Dropdown,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Row,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DownloadOutlined, HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, ApiError } from '../../api/http';
import { useAuth } from '../../auth/AuthContext';
import { formatTime } from '../../components/format';
import { diffText } from '../../components/textDiff';
import { EditConflictAlerts } from './shared/EditConflictAlerts';
import { ImportButton } from './shared/ImportButton';
import { PageHeader } from './shared/PageHeader';
import { ProblemAlert } from './shared/ProblemAlert';
import { downloadExport, importErrors, tabularContentType, uploadFile } from './shared/files';
import { articleStatusLabels, labelOf } from './shared/labels';
import { showProblemOnForm } from './shared/problemFields';
import { useReference } from './shared/reference';
import type { Article, ArticleVersion } from './shared/types';
import { useLoad } from './shared/useLoad';

interface ArticlePage {
  items: Article[];
  total: number;
}

interface ArticleForm {
  title: string;
  body: string;
  category?: string | null;
  ownerDepartmentId?: string | null;
  keywords?: string;
  validFrom?: Dayjs | null;
  validUntil?: Dayjs | null;
  reviewBy?: Dayjs | null;
}

const formFields = ['title', 'body', 'category', 'ownerDepartmentId', 'keywords', 'validFrom', 'validUntil', 'reviewBy'] as const;
const statusColors: Record<string, string> = { Draft: 'default', Published: 'green', Expired: 'red' };
const dateFormat = 'YYYY-MM-DD';
const statusChanged: Record<string, string> = { Published: '已发布', Expired: '已失效', Draft: '已退回草稿' };

/** The status changes a row offers: the label, the status it sets, and whether to ask first. */
const transitions: Record<string, { to: string; label: string; confirm?: string }[]> = {
  Draft: [{ to: 'Published', label: '发布' }],
  Published: [
    { to: 'Expired', label: '失效', confirm: '失效后市民检索不到这条知识；坐席检索时仍能看到，并标明已失效。确定失效？' },
    { to: 'Draft', label: '退回草稿', confirm: '退回草稿后市民检索不到这条知识。确定退回？' },
  ],
  Expired: [
    { to: 'Published', label: '重新发布' },
    { to: 'Draft', label: '退回草稿' },
  ],
};

/**
 * 知识库管理: the knowledge articles agents read out and citizens read themselves. Admins manage every article; a department's
 * editors manage their own department's (the host enforces it; the page only offers what they may do). Every save is a new version.
 */
export default function KnowledgeAdminPage() {
  const { message } = App.useApp();
  const { me } = useAuth();
  const isAdmin = me?.role === 'admin';
  const ownDepartment = me?.role === 'department' ? me.departmentId : null;
  const reference = useReference();
  const [status, setStatus] = useState('all');
  const [category, setCategory] = useState<string>();
  const [department, setDepartment] = useState<string>();
  const [onlyOwn, setOnlyOwn] = useState(true);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  /** Most recently changed first, or most cited first: the articles agents answer from most are the ones to keep right. */
  const [sort, setSort] = useState<'updated' | 'citations'>('updated');
  const [editing, setEditing] = useState<Article | 'new' | null>(null);
  /** An old version the editor starts from (restoring it saves a new version; the history keeps every one). */
  const [startFrom, setStartFrom] = useState<ArticleVersion>();
  const [history, setHistory] = useState<Article | null>(null);
  const [importProblem, setImportProblem] = useState<string[]>([]);

  const departmentFilter = ownDepartment ? (onlyOwn ? ownDepartment : undefined) : department;
  const articles = useLoad(
    () =>
      api.get<ArticlePage>('/api/knowledge/articles', {
        status: status === 'all' || status === 'review' ? undefined : status,
        needsReview: status === 'review' ? true : undefined,
        category,
        department: departmentFilter,
        sort: sort === 'citations' ? sort : undefined,
        page,
        pageSize,
      }),
    [status, category, departmentFilter, sort, page, pageSize],
  );
  // How many of the reader's articles agents may be reading out although their review date has come or their validity ended;
  // counted again whenever the list reloads (an edit or an expiry clears one).
  const dueForReview = useLoad(
    () => api.get<ArticlePage>('/api/knowledge/articles', { needsReview: true, department: ownDepartment ?? undefined, pageSize: 1 }),
    [ownDepartment, articles.data],
  );
  const dueCount = dueForReview.data?.total ?? 0;
  const departmentNames = useMemo(() => new Map((reference.data?.departments ?? []).map((d) => [d.id, d.name])), [reference.data]);
  const canEdit = (a: Article) => isAdmin || (!!ownDepartment && a.ownerDepartmentId === ownDepartment);
  const today = dayjs().format(dateFormat);

  const changeStatus = async (article: Article, to: string) => {
    try {
      await api.post<Article>(`/api/knowledge/articles/${article.id}/status`, { status: to, version: article.version });
      message.success(`「${article.title}」${statusChanged[to] ?? '已更新'}`);
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : '操作失败，请重试。');
    }
    void articles.reload();
  };

  // Rebuilding the search index is what an admin does after the index was lost or its analyzer changed: every article is
  // written again; on Elasticsearch into a new index behind the alias (catalogue entries and closed cases too), swapped when
  // filled.
  const [rebuilding, setRebuilding] = useState(false);
  const rebuildIndex = async () => {
    setRebuilding(true);
    try {
      const r = await api.post<{ index: string | null; previousIndex: string | null; articles: number; previousIndexDeleted: boolean }>(
        '/api/knowledge/search/reindex',
        {},
      );
      message.success(`已重建检索索引：${r.articles} 篇知识已重新写入${r.index ? `（Elasticsearch 索引 ${r.index}）` : ''}`);
      // The swap happened, but the old index is still on the cluster: the admin deletes it by hand (the server log says why).
      if (!r.previousIndexDeleted && r.previousIndex) message.warning(`旧索引 ${r.previousIndex} 未能删除，请在 Elasticsearch 中手动删除。`);
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : '重建失败，请重试。');
    } finally {
      setRebuilding(false);
    }
  };

  const importFile = async (file: File) => {
    setImportProblem([]);
    try {
      const result = await uploadFile<{ created: number; updated: number; unchanged: number }>(
        '/api/knowledge/articles/import',
        file,
        tabularContentType(file.name),
      );
      message.success(`导入完成：新增 ${result.created} 条，更新 ${result.updated} 条，未变 ${result.unchanged} 条。`);
      void articles.reload();
    } catch (e) {
      const head = e instanceof ApiError ? [e.problem.title, e.problem.detail].filter((t): t is string => !!t).join('：') : '导入失败';
      setImportProblem([head || '导入失败，未导入任何知识。', ...importErrors(e)]);
    }
  };

  const exportAs = (format: 'csv' | 'jsonl') => {
    const query = new URLSearchParams({ format });
    if (status === 'review') query.set('needsReview', 'true');
    else if (status !== 'all') query.set('status', status);
    if (departmentFilter) query.set('department', departmentFilter);
    downloadExport(`/api/knowledge/articles/export?${query}`, `knowledge-articles.${format}`).catch((e: unknown) =>
      message.error(e instanceof ApiError ? e.summary : '导出失败，请重试。'),
    );
  };

  const columns: ColumnsType<Article> = [
    {
      title: '标题',
      dataIndex: 'title',
      width: 220,
      render: (title: string, a) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{title}</Typography.Text>
          <Space size={4} wrap>
            {a.status === 'Published' && a.reviewBy && a.reviewBy <= today && <Tag color="orange">已到复核日期</Tag>}
            {a.validUntil && a.validUntil < today && <Tag color="red">已过有效期</Tag>}
            {a.validFrom && a.validFrom > today && <Tag color="blue">尚未生效</Tag>}
          </Space>
        </Space>
      ),
    },
    { title: '分类', dataIndex: 'category', render: (c: string | null) => c ?? '—' },
    { title: '所属单位', dataIndex: 'ownerDepartmentId', render: (id: string | null) => ownerName(id, departmentNames) },
    { title: '状态', dataIndex: 'status', render: (s: string) => <Tag color={statusColors[s]}>{labelOf(articleStatusLabels, s)}</Tag> },
    {
      title: '有效期',
      key: 'validity',
      render: (_, a) => (a.validFrom || a.validUntil ? `${a.validFrom ?? '即日'} 至 ${a.validUntil ?? '长期'}` : '长期有效'),
    },
    { title: '复核日期', dataIndex: 'reviewBy', render: (d: string | null) => d ?? '—' },
    {
      title: <span title="坐席直接答复时引用本条知识的次数">引用作答</span>,
      key: 'citations',
      render: (_, a) =>
        a.citations === 0 ? (
          <Typography.Text type="secondary">未引用</Typography.Text>
        ) : (
          <Space orientation="vertical" size={0}>
            <span>{a.citations} 次</span>
            {a.lastCitedAt && <Typography.Text type="secondary">最近 {formatTime(a.lastCitedAt)}</Typography.Text>}
          </Space>
        ),
    },
    {
      title: '版本',
      key: 'version',
      render: (_, a) => (
        <Typography.Text type="secondary">
          第 {a.version} 版 · {a.updatedBy} · {formatTime(a.updatedAt)}
        </Typography.Text>
      ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 230,
      render: (_, a) => (
        <Space size={4} wrap>
          {canEdit(a) && (
            <>
              <Button size="small" onClick={() => setEditing(a)} aria-label={`编辑 ${a.title}`}>
                编辑
              </Button>
              {(transitions[a.status] ?? []).map((t) =>
                t.confirm ? (
                  <Popconfirm key={t.to} title={t.confirm} okText={t.label} cancelText="取消" onConfirm={() => changeStatus(a, t.to)}>
                    <Button size="small" aria-label={`${t.label} ${a.title}`}>
                      {t.label}
                    </Button>
                  </Popconfirm>
                ) : (
                  <Button key={t.to} size="small" type={t.to === 'Published' ? 'primary' : 'default'} onClick={() => void changeStatus(a, t.to)} aria-label={`${t.label} ${a.title}`}>
                    {t.label}
                  </Button>
                ),
              )}
            </>
          )}
          <Button size="small" icon={<HistoryOutlined />} onClick={() => setHistory(a)} aria-label={`历史版本 ${a.title}`}>
            历史
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="知识库管理"
        onReload={() => void articles.reload()}
        actions={
          <>
            <ImportButton accept=".csv,.jsonl,.ndjson" label="导入 CSV/JSONL" onFile={importFile} />
            <Dropdown
              menu={{
                items: [
                  { key: 'csv', label: '导出 CSV（Excel 可直接打开）' },
                  { key: 'jsonl', label: '导出 JSONL' },
                ],
                onClick: ({ key }) => exportAs(key as 'csv' | 'jsonl'),
              }}
            >
              <Button icon={<DownloadOutlined />}>导出</Button>
            </Dropdown>
            {isAdmin && (
              <Popconfirm
                title="重建检索索引？"
                description="重新写入全部知识；使用 Elasticsearch 时另建新索引（含派单目录和已办结案例），写入完成后切换，期间检索不中断。"
                okText="重建"
                cancelText="取消"
                onConfirm={rebuildIndex}
              >
                <Button loading={rebuilding}>重建检索索引</Button>
              </Popconfirm>
            )}
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新建知识
            </Button>
          </>
        }
        intro={
          <>
            {ownDepartment
              ? `您可以新建和维护本单位（${departmentNames.get(ownDepartment) ?? ownDepartment}）的知识；其他单位的知识只能查看。`
              : '新建的知识是草稿，发布后市民才能检索到（只看到有效期内的）；坐席检索时能看到全部知识，并标明状态和有效期。每次保存都会留下一个版本。'}
            导入文件与导出格式相同，按 id 更新、无 id 新增；任何一行有误则整份不导入。
          </>
        }
      />
      <ProblemAlert lines={importProblem} onClose={() => setImportProblem([])} />
      {articles.error && <ProblemAlert lines={[articles.error]} />}
      {/* Without the departments and categories the editor cannot open: say so rather than ignore the clicks. */}
      {reference.error && <ProblemAlert lines={[`单位和分类列表读取失败，暂时无法新建或编辑：${reference.error}`]} />}
      {dueCount > 0 && status !== 'review' && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={`${ownDepartment ? '本单位' : ''}有 ${dueCount} 条已发布的知识到了复核日期或已过有效期，坐席可能仍在照此答复。`}
          description="请核对内容：仍然适用的，修改并填写下次复核日期；不再适用的，将其失效。"
          action={
            <Button
              size="small"
              onClick={() => {
                setStatus('review');
                setPage(1);
              }}
            >
              查看待复核
            </Button>
          }
        />
      )}
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Segmented
            aria-label="按状态筛选"
            value={status}
            onChange={(v) => {
              setStatus(String(v));
              setPage(1);
            }}
            options={[
              { value: 'all', label: '全部' },
              ...Object.entries(articleStatusLabels).map(([value, label]) => ({ value, label })),
              { value: 'review', label: dueCount > 0 ? `待复核（${dueCount}）` : '待复核' },
            ]}
          />
          <Select
            allowClear
            placeholder="全部分类"
            aria-label="按分类筛选"
            style={{ width: 160 }}
            value={category}
            onChange={(v) => {
              setCategory(v);
              setPage(1);
            }}
            options={(reference.data?.categories ?? []).map((c) => ({ value: c.name, label: c.name }))}
          />
          <Select
            aria-label="排序"
            style={{ width: 140 }}
            value={sort}
            onChange={(v) => {
              setSort(v);
              setPage(1);
            }}
            options={[
              { value: 'updated', label: '最近修改在前' },
              { value: 'citations', label: '引用最多在前' },
            ]}
          />
          {ownDepartment ? (
            <label>
              <Space size={4}>
                <Switch
                  size="small"
                  checked={onlyOwn}
                  onChange={(v) => {
                    setOnlyOwn(v);
                    setPage(1);
                  }}
                  aria-label="只看本单位的知识"
                />
                <span>只看本单位</span>
              </Space>
            </label>
          ) : (
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="全部单位"
              aria-label="按所属单位筛选"
              style={{ width: 220 }}
              value={department}
              onChange={(v) => {
                setDepartment(v);
                setPage(1);
              }}
              options={(reference.data?.departments ?? []).map((d) => ({ value: d.id, label: d.name }))}
            />
          )}
        </Space>
        <Table<Article>
          rowKey="id"
          size="middle"
          loading={articles.loading}
          columns={columns}
          dataSource={articles.data?.items ?? []}
          pagination={{
            current: page,
            pageSize,
            total: articles.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => `共 ${total} 条`,
            onChange: (p, size) => {
              setPage(size === pageSize ? p : 1);
              setPageSize(size);
            },
          }}
          expandable={{
            expandedRowRender: (a) => (
              <div>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 8 }}>{a.body}</Typography.Paragraph>
                {a.keywords && <Typography.Text type="secondary">关键词：{a.keywords}</Typography.Text>}
              </div>
            ),
          }}
          locale={{
            emptyText: (
              <Empty
                description={status === 'review' ? '没有待复核的知识' : status === 'all' && !category ? '暂无知识，请新建或导入' : '没有符合条件的知识'}
              />
            ),
          }}
          scroll={{ x: 1100 }}
        />
      </Card>
      {editing && reference.data && (
        <ArticleEditor
          article={editing === 'new' ? null : editing}
          startFrom={editing === 'new' ? undefined : startFrom}
          ownDepartment={ownDepartment}
          departments={reference.data.departments.map((d) => ({ value: d.id, label: d.name }))}
          categories={reference.data.categories.map((c) => c.name)}
          onClose={() => {
            setEditing(null);
            setStartFrom(undefined);
          }}
          onSaved={(_saved, text) => {
            setEditing(null);
            setStartFrom(undefined);
            message.success(text);
            void articles.reload();
          }}
        />
      )}
      {history && (
        <VersionHistory
          article={history}
          departmentNames={departmentNames}
          canEdit={canEdit(history)}
          onStartFrom={(v) => {
            setHistory(null);
            setStartFrom(v);
            setEditing(history);
          }}
          onClose={() => setHistory(null)}
        />
      )}
    </>
  );
}

type ArticleContent = Pick<Article, 'title' | 'body' | 'category' | 'ownerDepartmentId' | 'keywords' | 'validFrom' | 'validUntil' | 'reviewBy'>;

function toForm(a: ArticleContent): ArticleForm {
  return {
    title: a.title,
    body: a.body,
    category: a.category,
    ownerDepartmentId: a.ownerDepartmentId,
    keywords: a.keywords,
    validFrom: a.validFrom ? dayjs(a.validFrom) : null,
    validUntil: a.validUntil ? dayjs(a.validUntil) : null,
    reviewBy: a.reviewBy ? dayjs(a.reviewBy) : null,
  };
}

function ArticleEditor({
  article,
  startFrom,
  ownDepartment,
  departments,
  categories,
  onClose,
  onSaved,
}: {
  article: Article | null;
  startFrom?: ArticleVersion;
  ownDepartment: string | null;
  departments: { value: string; label: string }[];
  categories: string[];
  onClose: () => void;
  onSaved: (saved: Article, text: string) => void;
}) {
  const [form] = Form.useForm<ArticleForm>();
  const [busy, setBusy] = useState<'save' | 'publish' | null>(null);
  const [problem, setProblem] = useState<string[]>([]);
  const [version, setVersion] = useState(article?.version ?? 0);
  const [conflict, setConflict] = useState<string>();
  const [reloaded, setReloaded] = useState<number>();
  const creating = article === null;

  const save = async (publish: boolean) => {
    let values: ArticleForm;
    try {
      values = await form.validateFields();
    } catch {
      return; // antd shows the messages beside the inputs
    }
    setBusy(publish ? 'publish' : 'save');
    setProblem([]);
    setConflict(undefined);
    setReloaded(undefined);
    const body = {
      title: values.title,
      body: values.body,
      category: values.category?.trim() || null,
      ownerDepartmentId: ownDepartment ?? (values.ownerDepartmentId || null),
      keywords: values.keywords?.trim() ?? '',
      validFrom: values.validFrom?.format(dateFormat) ?? null,
      validUntil: values.validUntil?.format(dateFormat) ?? null,
      reviewBy: values.reviewBy?.format(dateFormat) ?? null,
      version: creating ? undefined : version,
    };
    try {
      let saved = creating
        ? await api.post<Article>('/api/knowledge/articles', body)
        : await api.put<Article>(`/api/knowledge/articles/${article.id}`, body);
      if (publish && saved.status !== 'Published') {
        saved = await api.post<Article>(`/api/knowledge/articles/${saved.id}/status`, { status: 'Published', version: saved.version });
      }
      onSaved(saved, publish ? `已发布「${saved.title}」` : creating ? `已保存草稿「${saved.title}」` : `已保存「${saved.title}」（第 ${saved.version} 版）`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setConflict(e.summary);
      else setProblem(showProblemOnForm(form, e, formFields));
    } finally {
      setBusy(null);
    }
  };

  const reloadLatest = async () => {
    if (!article) return;
    try {
      const latest = await api.get<Article>(`/api/knowledge/articles/${article.id}`);
      form.resetFields();
      form.setFieldsValue(toForm(latest));
      setVersion(latest.version);
      setConflict(undefined);
      setReloaded(latest.version);
    } catch (e) {
      setProblem([e instanceof ApiError ? e.summary : '载入失败，请重试。']);
    }
  };

  return (
    <Drawer
      open
      size="large"
      title={creating ? '新建知识' : startFrom ? `以第 ${startFrom.version} 版为底稿编辑「${article.title}」` : `编辑「${article.title}」（第 ${version} 版）`}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Space style={{ justifyContent: 'flex-end', width: '100%' }} wrap>
          <Button onClick={onClose}>取消</Button>
          <Button loading={busy === 'save'} disabled={!!conflict || busy !== null} onClick={() => void save(false)}>
            {creating ? '保存草稿' : '保存'}
          </Button>
          {(creating || article.status !== 'Published') && (
            <Button type="primary" loading={busy === 'publish'} disabled={!!conflict || busy !== null} onClick={() => void save(true)}>
              保存并发布
            </Button>
          )}
        </Space>
      }
    >
      <EditConflictAlerts conflict={conflict} description="您打开编辑之后，这条知识已被他人保存。为避免覆盖他人的修改，本次没有保存。请载入最新内容，核对后重新修改并保存。" reloaded={reloaded} onReload={() => void reloadLatest()} />
      <ProblemAlert lines={problem} />
      {startFrom && !reloaded && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={`表单已填入第 ${startFrom.version} 版（${startFrom.savedBy}，${formatTime(startFrom.savedAt)}）的内容`}
          description={`核对后保存，它将成为第 ${version + 1} 版；状态不变，之前的各版都保留在历史中。`}
        />
      )}
      <Form<ArticleForm>
        form={form}
        layout="vertical"
        initialValues={startFrom ? toForm(startFrom) : article ? toForm(article) : { ownerDepartmentId: ownDepartment, keywords: '' }}
      >
        <Form.Item label="标题" name="title" rules={[{ required: true, whitespace: true, message: '请填写标题' }]}>
          <Input maxLength={200} showCount />
        </Form.Item>
        <Form.Item label="正文" name="body" rules={[{ required: true, whitespace: true, message: '请填写正文' }]} extra="坐席会照此答复市民，请写明办理条件、材料、地点和时限。">
          <Input.TextArea autoSize={{ minRows: 8, maxRows: 20 }} maxLength={50000} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item label="分类" name="category">
              <AutoComplete
                options={categories.map((c) => ({ value: c }))}
                placeholder="如：劳动和社会保障"
                allowClear
                showSearch={{ filterOption: (input, option) => String(option?.value ?? '').includes(input) }}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item label="所属单位" name="ownerDepartmentId" extra={ownDepartment ? '承办单位只能维护本单位的知识。' : '留空为全市通用知识。'}>
              <Select allowClear disabled={!!ownDepartment} showSearch={{ optionFilterProp: 'label' }} options={departments} placeholder="全市通用" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="关键词" name="keywords" extra="市民常用的说法，用逗号分隔，帮助检索。">
          <Input maxLength={500} placeholder="如：居住证,办证,暂住证" />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} sm={8}>
            <Form.Item label="生效日期" name="validFrom">
              <DatePicker format={dateFormat} placeholder="即日起" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item
              label="失效日期"
              name="validUntil"
              dependencies={['validFrom']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_, value: Dayjs | null) => {
                    const from: Dayjs | null = getFieldValue('validFrom');
                    return !value || !from || !value.isBefore(from, 'day') ? Promise.resolve() : Promise.reject(new Error('失效日期不能早于生效日期'));
                  },
                }),
              ]}
            >
              <DatePicker format={dateFormat} placeholder="长期有效" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item label="复核日期" name="reviewBy" extra="到期提醒所属单位核对内容。">
              <DatePicker format={dateFormat} placeholder="不设" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}

function VersionHistory({
  article,
  departmentNames,
  canEdit,
  onStartFrom,
  onClose,
}: {
  article: Article;
  departmentNames: Map<string, string>;
  canEdit: boolean;
  onStartFrom: (version: ArticleVersion) => void;
  onClose: () => void;
}) {
  const versions = useLoad(() => api.get<ArticleVersion[]>(`/api/knowledge/articles/${article.id}/versions`), [article.id]);
  const list = versions.data ?? [];
  // Newest first, so the version a row was saved over is the next row.
  const previousOf = (v: ArticleVersion) => list[list.indexOf(v) + 1];
  return (
    <Modal open title={`「${article.title}」的历史版本`} onCancel={onClose} footer={<Button onClick={onClose}>关闭</Button>} width={860}>
      {versions.error && <ProblemAlert lines={[versions.error]} />}
      <Typography.Paragraph type="secondary">展开一版可查看它的全文和与上一版相比改了什么；可以某一版为底稿重新编辑，保存后成为新的一版。</Typography.Paragraph>
      <Table<ArticleVersion>
        rowKey="version"
        size="small"
        loading={versions.loading}
        dataSource={list}
        pagination={false}
        expandable={{
          expandedRowRender: (v) => <VersionChanges version={v} previous={previousOf(v)} departmentNames={departmentNames} />,
          expandRowByClick: true,
        }}
        columns={[
          { title: '版本', dataIndex: 'version', render: (n: number) => `第 ${n} 版` },
          { title: '标题', dataIndex: 'title' },
          { title: '状态', dataIndex: 'status', render: (s: string) => <Tag color={statusColors[s]}>{labelOf(articleStatusLabels, s)}</Tag> },
          { title: '保存人', dataIndex: 'savedBy' },
          { title: '保存时间', dataIndex: 'savedAt', render: (t: string) => formatTime(t) },
          {
            title: '操作',
            key: 'actions',
            render: (_, v) =>
              canEdit && v.version !== article.version ? (
                <Button
                  size="small"
                  onClick={(e) => {
                    e.stopPropagation();
                    onStartFrom(v);
                  }}
                  aria-label={`以第 ${v.version} 版为底稿编辑`}
                >
                  以此版为底稿
                </Button>
              ) : null,
          },
        ]}
      />
    </Modal>
  );
}

/** The owning department by name; an article without one is for the whole city. */
const ownerName = (id: string | null, names: Map<string, string>) => (id ? (names.get(id) ?? id) : '全市通用');

/** The fields a version can change, as an editor names them, and how each reads. */
const versionFields: { label: string; read: (v: ArticleVersion, names: Map<string, string>) => string }[] = [
  { label: '标题', read: (v) => v.title },
  { label: '分类', read: (v) => v.category ?? '' },
  { label: '所属单位', read: (v, names) => ownerName(v.ownerDepartmentId, names) },
  { label: '关键词', read: (v) => v.keywords },
  { label: '生效日期', read: (v) => v.validFrom ?? '' },
  { label: '失效日期', read: (v) => v.validUntil ?? '' },
  { label: '复核日期', read: (v) => v.reviewBy ?? '' },
  { label: '状态', read: (v) => labelOf(articleStatusLabels, v.status) },
];

function VersionChanges({ version, previous, departmentNames }: { version: ArticleVersion; previous?: ArticleVersion; departmentNames: Map<string, string> }) {
  const changed = previous
    ? versionFields.filter((f) => f.read(version, departmentNames) !== f.read(previous, departmentNames))
    : [];
  const bodyChanged = !!previous && previous.body !== version.body;
  return (
    <div data-testid={`version-${version.version}`}>
      {previous ? (
        <>
          <Typography.Text strong>与第 {previous.version} 版相比：</Typography.Text>
          {changed.length === 0 && !bodyChanged && <Typography.Text type="secondary">内容未改动。</Typography.Text>}
          <ul style={{ margin: '4px 0 8px', paddingInlineStart: 20 }}>
            {changed.map((f) => (
              <li key={f.label}>
                {f.label}：<del className="diff-removed">{f.read(previous, departmentNames) || '（空）'}</del> →{' '}
                <ins className="diff-added">{f.read(version, departmentNames) || '（空）'}</ins>
              </li>
            ))}
            {bodyChanged && <li>正文（删去的标红加删除线，新增的标绿加下划线）：</li>}
          </ul>
          {bodyChanged && (
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="body-diff">
              {diffText(previous.body, version.body).map((part, i) =>
                part.kind === 'same' ? (
                  <span key={i}>{part.text}</span>
                ) : part.kind === 'removed' ? (
                  <del key={i} className="diff-removed">
                    {part.text}
                  </del>
                ) : (
                  <ins key={i} className="diff-added">
                    {part.text}
                  </ins>
                ),
              )}
            </Typography.Paragraph>
          )}
        </>
      ) : (
        <Typography.Text strong>第 {version.version} 版是新建时的内容。</Typography.Text>
      )}
      <Typography.Paragraph type="secondary" style={{ marginBottom: 4, marginTop: 8 }}>
        此版全文：
      </Typography.Paragraph>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 4 }}>{version.body}</Typography.Paragraph>
      <Typography.Text type="secondary">
        {[
          version.category && `分类：${version.category}`,
          `所属单位：${ownerName(version.ownerDepartmentId, departmentNames)}`,
          version.keywords && `关键词：${version.keywords}`,
          `有效期：${version.validFrom ?? '即日'} 至 ${version.validUntil ?? '长期'}`,
          version.reviewBy && `复核日期：${version.reviewBy}`,
        ]
          .filter(Boolean)
          .join('　')}
      </Typography.Text>
    </div>
  );
}
