using System.Security.Claims;

namespace Hotline.Knowledge;

/// <summary>
/// The claim names every module reads from a staff sign-in. They live here, in the module everything else depends on, so the
/// host that writes them and the modules that read them share one spelling.
/// </summary>
public static class StaffClaims
{
    /// <summary>The department a department handler (or article editor) belongs to.</summary>
    public const string Department = "hotline:department";

    /// <summary>The staff member's display name (真实姓名).</summary>
    public const string DisplayName = "hotline:display-name";

    public const string AdminRole = "admin";
    public const string DepartmentRole = "department";

    public static string? DepartmentOf(ClaimsPrincipal user) => user.FindFirstValue(Department) is { Length: > 0 } d ? d : null;

    public static string NameOf(ClaimsPrincipal user) =>
        user.FindFirstValue(DisplayName) ?? user.Identity?.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
}
