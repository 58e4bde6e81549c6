using Hotline.Routing.Tickets;

namespace Hotline.Routing.Departments;

/// <summary>What kind of unit a department is; the hierarchy runs city → district → street (属地).</summary>
public enum DepartmentKind
{
    Centre,             // 12345 热线中心
    Functional,         // 职能部门（住建局、生态环境局…）
    DistrictGovernment, // 区人民政府
    StreetOffice,       // 街道办事处
    Enterprise,         // 公共服务企业（水、电、气）
}

public enum AreaLevel
{
    City,
    District,
    Street,
}

/// <summary>A handling unit (承办单位). Departments are never deleted, only deactivated, so old tickets keep their meaning.</summary>
public sealed class Department
{
    public DepartmentId Id { get; set; }
    public string Name { get; set; } = "";
    public DepartmentKind Kind { get; set; }
    public DepartmentId? ParentId { get; set; }
    public string? AreaId { get; set; }

    /// <summary>Where assignment, deadline and urge e-mails go.</summary>
    public string? Email { get; set; }

    /// <summary>The department's remit (职责), as a dispatcher reads it.</summary>
    public string? Remit { get; set; }

    public bool Active { get; set; } = true;
}

/// <summary>A place in the city → district → street hierarchy.</summary>
public sealed class Area
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public AreaLevel Level { get; set; }
    public string? ParentId { get; set; }
}

/// <summary>A first-level matter category (一级分类) and the department that usually handles it.</summary>
public sealed class Category
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public DepartmentId? DefaultDepartmentId { get; set; }
}
