using Hotline.Routing.Departments;
using Hotline.Routing.Tickets;

namespace Hotline.Routing.Catalogue;

/// <summary>Where a ticket's matter is, as far as the areas (city → district → street) can tell, and how that was found.</summary>
/// <param name="Street">The street (街道), when known.</param>
/// <param name="District">The district (区), when known; the street's parent when the street is known.</param>
/// <param name="How">A phrase for the reason: 工单登记的区域 / 地址中的「东湖街道」; empty when nothing is known.</param>
public sealed record AreaPlace(Area? Street, Area? District, string How)
{
    public static AreaPlace Unknown { get; } = new(null, null, "");

    public bool IsKnown => Street is not null || District is not null;

    /// <summary>The most specific known area's id.</summary>
    public string? AreaId => Street?.Id ?? District?.Id;

    public string Describe() => Street is { } s && District is { } d ? $"{d.Name}{s.Name}" : Street?.Name ?? District?.Name ?? "未知";
}

/// <summary>
/// The unit an entry's rule chose, and a sentence saying why. <c>Fallback</c> is true when the rule could not use the area it
/// wanted (unknown area, no such unit there).
/// </summary>
public sealed record ResolvedUnit(DepartmentId DepartmentId, string DepartmentName, string How, bool Fallback);

/// <summary>
/// The area rules (属地) of the dispatch catalogue, as pure functions of the reference data: locate a ticket in the area
/// hierarchy, decide whether an entry applies there, and resolve the entry's responsible unit.
/// </summary>
public static class AreaRules
{
    /// <summary>
    /// Locates a ticket: the area it was registered with first; what that leaves open is looked for by name in the texts
    /// (address, title, content) — 东湖街道, 城东区 — and taken only when one area of that level is named (a street named inside a
    /// known district must belong to it). Coordinates are not used: areas have no boundaries in the reference data.
    /// </summary>
    public static AreaPlace Locate(IReadOnlyCollection<Area> areas, string? areaId, params string?[] texts)
    {
        var byId = areas.ToDictionary(a => a.Id);
        Area? street = null, district = null;
        var how = "";
        if (areaId is not null && byId.TryGetValue(areaId, out var registered))
        {
            (street, district) = registered.Level switch
            {
                AreaLevel.Street => (registered, registered.ParentId is { } p ? byId.GetValueOrDefault(p) : null),
                AreaLevel.District => (null, registered),
                _ => ((Area?)null, (Area?)null),
            };
            how = street is not null || district is not null ? "工单登记的区域" : "";
        }
        if (street is not null)
        {
            return new AreaPlace(street, district, how);
        }
        var text = string.Concat(texts.Where(t => t is not null));
        var streets = areas.Where(a => a.Level == AreaLevel.Street && a.Name.Length >= 2 && text.Contains(a.Name, StringComparison.Ordinal)
            && (district is null || a.ParentId == district.Id)).ToList();
        if (streets.Count == 1)
        {
            var found = streets[0];
            return new AreaPlace(found, district ?? (found.ParentId is { } p ? byId.GetValueOrDefault(p) : null),
                how.Length > 0 ? $"{how}及文本中的「{found.Name}」" : $"文本中的「{found.Name}」");
        }
        if (district is not null)
        {
            return new AreaPlace(null, district, how);
        }
        var districts = areas.Where(a => a.Level == AreaLevel.District && a.Name.Length >= 2 && text.Contains(a.Name, StringComparison.Ordinal))
            .Select(a => a.Id)
            // Streets named in several places but all inside one district still tell the district.
            .Union(streets.Select(s => s.ParentId).OfType<string>())
            .Distinct().ToList();
        if (districts.Count == 1 && byId.TryGetValue(districts[0], out var named))
        {
            return new AreaPlace(null, named, $"文本中的「{named.Name}」");
        }
        return AreaPlace.Unknown;
    }

    /// <summary>
    /// An entry limited to an area applies only to tickets known to be in it or below it; one limited to the whole city (or
    /// not limited) applies everywhere.
    /// </summary>
    public static bool Applies(CatalogueEntry entry, AreaPlace place, IReadOnlyCollection<Area> areas)
    {
        if (entry.AreaId is not { } scope)
        {
            return true;
        }
        var byId = areas.ToDictionary(a => a.Id);
        if (byId.TryGetValue(scope, out var scopeArea) && scopeArea.Level == AreaLevel.City)
        {
            return true;
        }
        var seen = new HashSet<string>();
        for (var id = place.AreaId; id is not null && seen.Add(id); id = byId.GetValueOrDefault(id)?.ParentId)
        {
            if (id == scope)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The unit responsible for <paramref name="entry"/> at <paramref name="place"/>: a city matter's department; a street matter's
    /// unit in the ticket's street, else the district government of its district, else the city department; a district matter's
    /// unit in the ticket's district, else the city department. Only active departments are chosen; a rule that finds several
    /// units of the kind in one area takes none of them (ambiguous) and falls back. Null when even the city department is inactive.
    /// </summary>
    public static ResolvedUnit? Resolve(CatalogueEntry entry, AreaPlace place, IReadOnlyCollection<Department> departments)
    {
        var active = departments.Where(d => d.Active).ToList();
        var city = active.FirstOrDefault(d => d.Id == entry.DepartmentId);
        ResolvedUnit? CityUnit(string why) =>
            city is null ? null : new ResolvedUnit(city.Id, city.Name, $"{why}由市级单位「{city.Name}」承办", entry.Level != AreaLevel.City);
        Department? UnitIn(Area? area, DepartmentKind kind)
        {
            if (area is null)
            {
                return null;
            }
            var units = active.Where(d => d.Kind == kind && d.AreaId == area.Id).Take(2).ToList();
            return units.Count == 1 ? units[0] : null;
        }
        var kind = entry.EffectiveUnitKind;
        switch (entry.Level)
        {
            case AreaLevel.City:
                return CityUnit("市级事项，");
            case AreaLevel.Street:
                if (UnitIn(place.Street, kind) is { } office)
                {
                    return new ResolvedUnit(office.Id, office.Name, $"街道级事项，属地为{place.Describe()}（{place.How}），由「{office.Name}」承办", false);
                }
                var missing = place.Street is null ? "未能确定所在街道" : $"「{place.Street.Name}」没有{CatalogueLabels.Of(kind)}";
                if (UnitIn(place.District, DepartmentKind.DistrictGovernment) is { } government)
                {
                    return new ResolvedUnit(government.Id, government.Name,
                        $"街道级事项，{missing}，由所在区「{government.Name}」承办（{place.How}）", true);
                }
                return CityUnit($"街道级事项，{missing}且无法确定所在区，");
            case AreaLevel.District:
                if (UnitIn(place.District, kind) is { } unit)
                {
                    return new ResolvedUnit(unit.Id, unit.Name, $"区级事项，属地为{place.District!.Name}（{place.How}），由「{unit.Name}」承办", false);
                }
                return CityUnit(place.District is null ? "区级事项，未能确定所在区，" : $"区级事项，「{place.District.Name}」没有{CatalogueLabels.Of(kind)}，");
            default:
                return null;
        }
    }
}
