using System.Security.Claims;

namespace Hotline.Routing.Tickets;

/// <summary>The claims a signed-in staff member carries, and how they become an <see cref="Actor"/>.</summary>
public static class StaffPrincipal
{
    /// <summary>The department a department handler is bound to.</summary>
    public const string DepartmentClaim = Knowledge.StaffClaims.Department;

    /// <summary>The staff member's display name (真实姓名), shown on timelines.</summary>
    public const string DisplayNameClaim = Knowledge.StaffClaims.DisplayName;

    public static Actor ToActor(ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("A signed-in user has no id claim.");
        var name = user.FindFirstValue(DisplayNameClaim) ?? user.Identity?.Name ?? id;
        var role = user.FindAll(ClaimTypes.Role).Select(c => StaffRoles.TryParse(c.Value, out var r) ? r : (StaffRole?)null)
            .FirstOrDefault(r => r is not null);
        var department = user.FindFirstValue(DepartmentClaim) is { Length: > 0 } d ? new DepartmentId(d) : (DepartmentId?)null;
        return role is { } staffRole
            ? Actor.Staff(id, name, staffRole, department)
            : throw new InvalidOperationException("A signed-in user has no staff role.");
    }
}
