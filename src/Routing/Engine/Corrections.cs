using Hotline.Routing.Departments;
using Hotline.Routing.Tickets;

namespace Hotline.Routing.Engine;

/// <summary>What a dispatcher's choice of department says about the category they meant.</summary>
public static class Corrections
{
    /// <summary>
    /// The category whose usual department is <paramref name="lead"/>: the ticket's own category if it is one of them, else the
    /// only such category. Null when the department is no category's usual one (a street office, a department two categories
    /// share) — then the department alone says nothing about the category.
    /// </summary>
    public static Category? CategoryMeant(string? ticketCategoryId, DepartmentId? lead, IReadOnlyCollection<Category> categories)
    {
        if (lead is not { } department)
        {
            return null;
        }
        var candidates = categories.Where(c => c.DefaultDepartmentId == department).ToList();
        return candidates.FirstOrDefault(c => c.Id == ticketCategoryId) ?? (candidates.Count == 1 ? candidates[0] : null);
    }
}
