using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Routing.Tickets;

/// <summary>Small checks on free-text fields, with messages a staff member or citizen can act on.</summary>
public sealed class Input
{
    private readonly Dictionary<string, string[]> _errors = [];

    public bool Ok => _errors.Count == 0;

    public ValidationFailed Failure => new(_errors);

    /// <summary>A required text: trimmed, not blank, at most <paramref name="max"/> characters.</summary>
    public string Required(string? value, string field, string label, int max)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            Add(field, $"请填写{label}。");
        }
        else if (text.Length > max)
        {
            Add(field, $"{label}不能超过 {max} 个字符（当前 {text.Length} 个）。");
        }
        return text;
    }

    /// <summary>An optional text: null when blank, at most <paramref name="max"/> characters.</summary>
    public string? Optional(string? value, string field, string label, int max)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (text.Length > max)
        {
            Add(field, $"{label}不能超过 {max} 个字符（当前 {text.Length} 个）。");
        }
        return text;
    }

    /// <summary>Checks optional category and area codes against the reference data.</summary>
    public async Task CheckCategoryAndAreaAsync(RoutingDbContext db, string? categoryId, string? areaId, CancellationToken ct)
    {
        if (categoryId is { Length: > 0 } && !await db.Categories.AnyAsync(c => c.Id == categoryId, ct))
        {
            Add("categoryId", $"分类「{categoryId}」不存在。");
        }
        if (areaId is { Length: > 0 } && !await db.Areas.AnyAsync(a => a.Id == areaId, ct))
        {
            Add("areaId", $"区域「{areaId}」不存在。");
        }
    }

    public void Add(string field, string message) =>
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
}
