using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Hotline.Host.Http;

/// <summary>
/// Makes every error an RFC 9457 problem in Chinese: the framework's own (malformed JSON, wrong content type, body too large,
/// unknown route) get titles and details a person can act on; unexpected failures become a 500 with the trace id to quote.
/// </summary>
public static class ProblemDetailsSetup
{
    private const string UnsupportedMediaTypeDetail =
        "请以 JSON 提交（Content-Type: application/json）；市民提交诉求并上传附件时，使用 multipart/form-data。";

    public static IServiceCollection AddHotlineProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = Customize);

    private static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        var exception = context.Exception ?? context.HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (exception is BadHttpRequestException bad)
        {
            (problem.Title, problem.Detail) = Describe(bad);
            return;
        }
        // Anything still titled in English (the framework's reason phrases, the exception handler's 500) is re-titled in Chinese.
        if (problem.Title is null || !problem.Title.Any(c => c is >= '\u4e00' and <= '\u9fff'))
        {
            problem.Title = status switch
            {
                400 => "请求有误",
                401 => "请先登录",
                403 => "无权访问",
                404 => "未找到",
                405 => "不支持的请求方法",
                413 => "请求内容过大",
                415 => "不支持的内容类型",
                429 => "请求过于频繁",
                >= 500 => "服务器内部错误",
                _ => problem.Title,
            };
            problem.Detail ??= status switch
            {
                401 => "请登录后再操作。",
                403 => "您的角色或所属单位无权进行此操作。",
                404 => "请求的地址不存在。",
                405 => "该地址不支持此请求方法。",
                413 => "请求正文超过了允许的大小，请精简内容后重试。",
                415 => UnsupportedMediaTypeDetail,
                429 => "请求过于频繁，请稍后再试。",
                >= 500 => $"服务器处理请求时出错，请稍后重试；如问题持续，请联系管理员并提供编号 {context.HttpContext.TraceIdentifier}。",
                _ => null,
            };
        }
    }

    private static (string Title, string Detail) Describe(BadHttpRequestException bad)
    {
        var json = FindJsonException(bad);
        return bad.StatusCode switch
        {
            413 => ("请求内容过大", "请求正文超过了允许的大小，请精简内容后重试。"),
            415 => ("不支持的内容类型", UnsupportedMediaTypeDetail),
            _ when json is not null => ("请求格式错误",
                json.Path is { Length: > 1 } path && path != "$"
                    ? $"请求正文不是有效的 JSON，或字段类型不正确（位置：{path}）。"
                    : "请求正文不是有效的 JSON。"),
            _ when bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) => ("请求格式错误", "请求正文不能为空，请以 JSON 提交。"),
            _ => ("请求格式错误", "请求参数格式不正确，请检查后重试。"),
        };
    }

    private static JsonException? FindJsonException(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }
        return null;
    }
}
