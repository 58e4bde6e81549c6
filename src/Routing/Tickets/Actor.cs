namespace Hotline.Routing.Tickets;

/// <summary>The roles staff sign in with. The string forms are the role names stored by ASP.NET Core Identity.</summary>
public enum StaffRole
{
    Agent,
    Dispatcher,
    Department,
    Supervisor,
    Admin,
}

public static class StaffRoles
{
    public const string Agent = "agent";
    public const string Dispatcher = "dispatcher";
    public const string Department = "department";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";

    public static string NameOf(StaffRole role) => role switch
    {
        StaffRole.Agent => Agent,
        StaffRole.Dispatcher => Dispatcher,
        StaffRole.Department => Department,
        StaffRole.Supervisor => Supervisor,
        StaffRole.Admin => Admin,
    };

    public static string LabelOf(StaffRole role) => role switch
    {
        StaffRole.Agent => "话务员",
        StaffRole.Dispatcher => "派单员",
        StaffRole.Department => "承办单位",
        StaffRole.Supervisor => "督办人员",
        StaffRole.Admin => "系统管理员",
    };

    public static bool TryParse(string? name, out StaffRole role)
    {
        foreach (var candidate in Enum.GetValues<StaffRole>())
        {
            if (string.Equals(name, NameOf(candidate), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }
}

/// <summary>
/// Who performs an action: a signed-in staff member, the citizen (through a public channel) or the system itself
/// (background jobs). Recorded on every timeline entry.
/// </summary>
public sealed record Actor(string Id, string Name, ActorKind Kind, StaffRole? Role = null, DepartmentId? Department = null)
{
    public static readonly Actor System = new("system", "系统", ActorKind.System);

    /// <summary>The routing engine when it dispatches a ticket on its own (智能派单).</summary>
    public static readonly Actor Router = new("router", "智能派单", ActorKind.System);

    public static Actor Citizen(string channelLabel) => new("citizen", channelLabel, ActorKind.Citizen);

    public static Actor Staff(string id, string name, StaffRole role, DepartmentId? department = null) =>
        new(id, name, ActorKind.Staff, role, department);

    public bool Is(StaffRole role) => Kind == ActorKind.Staff && Role == role;

    public bool IsAnyOf(params StaffRole[] roles) => Kind == ActorKind.Staff && Role is { } r && roles.Contains(r);
}

public enum ActorKind
{
    Staff,
    Citizen,
    System,
}
