using Hotline.Routing.Departments;
using Hotline.Routing.Tickets;
using NodaTime;

namespace Hotline.Routing.Catalogue;

/// <summary>
/// One matter of the dispatch catalogue (派单目录/权责清单): what it is called, the words citizens use for it, the category it
/// belongs to, and who handles it. A city-level matter goes to <see cref="DepartmentId"/>; a district- or street-level matter
/// goes to the unit of kind <see cref="UnitKind"/> in the ticket's district or street (属地), falling back to the district
/// government and finally to <see cref="DepartmentId"/> when the area is unknown or has no such unit.
/// </summary>
public sealed class CatalogueEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The matter's name (事项名称), unique in the catalogue, e.g. 占道经营.</summary>
    public string Name { get; set; } = "";

    public string CategoryId { get; set; } = "";

    /// <summary>Words and synonyms citizens use (摆摊、占道、流动摊贩); a text containing one matches the matter.</summary>
    public List<string> Keywords { get; set; } = [];

    /// <summary>Where the matter is handled (属地层级): city, district or street.</summary>
    public AreaLevel Level { get; set; }

    /// <summary>The responsible city department; for district and street matters the unit of last resort.</summary>
    public DepartmentId DepartmentId { get; set; }

    /// <summary>For district and street matters: the kind of unit in the area that handles it (street office, district government…).</summary>
    public DepartmentKind? UnitKind { get; set; }

    /// <summary>When set, the entry applies only to tickets in this area (or below it); otherwise to the whole city.</summary>
    public string? AreaId { get; set; }

    /// <summary>What the responsible unit does about the matter (职责边界), as a dispatcher reads it.</summary>
    public string? Remit { get; set; }

    public bool Active { get; set; } = true;

    /// <summary>1 when created, +1 on every change; an edit must name the version it was based on.</summary>
    public int Version { get; set; }

    public Instant UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    /// <summary>The kind of unit an area rule looks for: the entry's own, or the usual one for its level.</summary>
    public DepartmentKind EffectiveUnitKind => UnitKind ?? (Level == AreaLevel.Street ? DepartmentKind.StreetOffice : DepartmentKind.DistrictGovernment);
}

/// <summary>Chinese labels of the catalogue's closed sets.</summary>
public static class CatalogueLabels
{
    public static string Of(AreaLevel level) => level switch
    {
        AreaLevel.City => "市级",
        AreaLevel.District => "区级",
        AreaLevel.Street => "街道级",
    };

    public static string Of(DepartmentKind kind) => kind switch
    {
        DepartmentKind.Centre => "热线中心",
        DepartmentKind.Functional => "职能部门",
        DepartmentKind.DistrictGovernment => "区人民政府",
        DepartmentKind.StreetOffice => "街道办事处",
        DepartmentKind.Enterprise => "公共服务企业",
    };
}
