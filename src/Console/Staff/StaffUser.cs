using Microsoft.AspNetCore.Identity;

namespace Hotline.Host.Staff;

/// <summary>A staff account. The role is an Identity role; a department handler is also bound to one department.</summary>
public sealed class StaffUser : IdentityUser
{
    /// <summary>The real name shown on ticket timelines (真实姓名).</summary>
    public string DisplayName { get; set; } = "";

    public string? DepartmentId { get; set; }
}
