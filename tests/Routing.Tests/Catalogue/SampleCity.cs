using Hotline.Routing.Catalogue;
using Hotline.Routing.Departments;
using Hotline.Routing.Tickets;

namespace Hotline.Routing.Tests.Catalogue;

/// <summary>A small city for the area-rule tests: two districts, three streets, one of them without a street office.</summary>
internal static class SampleCity
{
    public static readonly Area City = new() { Id = "city", Name = "示范市", Level = AreaLevel.City };
    public static readonly Area East = new() { Id = "east", Name = "城东区", Level = AreaLevel.District, ParentId = "city" };
    public static readonly Area West = new() { Id = "west", Name = "城西区", Level = AreaLevel.District, ParentId = "city" };
    public static readonly Area Lake = new() { Id = "east-lake", Name = "东湖街道", Level = AreaLevel.Street, ParentId = "east" };
    public static readonly Area Garden = new() { Id = "east-garden", Name = "花园街道", Level = AreaLevel.Street, ParentId = "east" };
    public static readonly Area Hill = new() { Id = "west-hill", Name = "西山街道", Level = AreaLevel.Street, ParentId = "west" };

    public static readonly Area[] Areas = [City, East, West, Lake, Garden, Hill];

    public static Department[] Units() =>
    [
        Dept("city-um", "市城市管理局", DepartmentKind.Functional, "city"),
        Dept("east-gov", "城东区人民政府", DepartmentKind.DistrictGovernment, "east"),
        Dept("west-gov", "城西区人民政府", DepartmentKind.DistrictGovernment, "west"),
        Dept("lake-office", "东湖街道办事处", DepartmentKind.StreetOffice, "east-lake"),
        Dept("garden-office", "花园街道办事处", DepartmentKind.StreetOffice, "east-garden"),
        // 西山街道 has no street office of its own in this city.
    ];

    public static Department Dept(string id, string name, DepartmentKind kind, string area, bool active = true) =>
        new() { Id = new DepartmentId(id), Name = name, Kind = kind, AreaId = area, Active = active };

    public static CatalogueEntry Entry(string name, AreaLevel level, string department = "city-um", string category = "urban",
        params string[] keywords) => new()
        {
            Name = name,
            Level = level,
            DepartmentId = new DepartmentId(department),
            CategoryId = category,
            Keywords = [.. keywords],
        };
}
