import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/http';
import { splitProblem } from './problemFields';

const validation = (errors: Record<string, string[]>) =>
  new ApiError(400, { title: '请求参数有误', detail: '请求中有字段不符合要求，请按提示修改后重试。', status: 400, errors });

describe('splitProblem', () => {
  it('puts each field error beside the form field of the same name', () => {
    const split = splitProblem(validation({ id: ['单位编码「city-housing」已存在。'], email: ['「x」不是有效的电子邮箱地址。'] }), ['id', 'name', 'email']);
    expect(split.fields).toEqual([
      { name: 'id', errors: ['单位编码「city-housing」已存在。'] },
      { name: 'email', errors: ['「x」不是有效的电子邮箱地址。'] },
    ]);
    expect(split.others).toEqual([]);
  });

  it('matches names regardless of case and of the JSON path prefix ASP.NET writes', () => {
    const split = splitProblem(validation({ DepartmentId: ['承办单位人员必须绑定一个承办单位。'], '$.keywords': ['关键词不能为空白。'] }), ['departmentId', 'keywords']);
    expect(split.fields.map((f) => f.name)).toEqual(['departmentId', 'keywords']);
  });

  it('keeps errors for fields the form does not have, with the problem title, so none is lost', () => {
    const split = splitProblem(validation({ lines: ['第 2 行：分类「x」不存在。'], name: ['请填写事项名称。'] }), ['name']);
    expect(split.fields).toEqual([{ name: 'name', errors: ['请填写事项名称。'] }]);
    expect(split.others).toEqual(['请求参数有误', '请求中有字段不符合要求，请按提示修改后重试。', '第 2 行：分类「x」不存在。']);
  });

  it('shows the summary of a problem without field errors', () => {
    const conflict = new ApiError(409, { title: '内容已被他人修改', detail: '该事项当前为第 3 版，请刷新后再修改。', status: 409 });
    expect(splitProblem(conflict, ['name'])).toEqual({ fields: [], others: ['内容已被他人修改：该事项当前为第 3 版，请刷新后再修改。'] });
  });

  it('explains in Chinese when the failure is not a problem at all', () => {
    expect(splitProblem(new TypeError('x'), ['name']).others).toEqual(['操作失败，请重试。']);
  });
});
