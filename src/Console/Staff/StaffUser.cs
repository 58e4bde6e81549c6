using Microsoft.AspNetCore.Identity;

namespace Hotline.Host.Staff;

/// <summary>A staff account. The role is an Identity role; a department handler is also bound to one department.</summary>
public sealed class StaffUser : IdentityUser
{
    /// <summary>The real name shown on ticket timelines (真实姓名).</summary>
    public string DisplayName { get; set; } = "";

    public string? DepartmentId { get; set; }

    /// <summary>
    /// Stopped by an admin (someone who left or changed post): it cannot sign in, and its open sessions end at their next
    /// check. Kept rather than deleted, because timelines name the people who acted.
    /// </summary>
    public bool Disabled { get; set; }
}
