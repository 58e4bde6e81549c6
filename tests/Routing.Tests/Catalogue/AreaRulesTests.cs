using Hotline.Routing.Catalogue;
using Hotline.Routing.Departments;
using static Hotline.Routing.Tests.Catalogue.SampleCity;

namespace Hotline.Routing.Tests.Catalogue;

public sealed class AreaRulesTests
{
    [Fact]
    public void Locate_RegisteredStreet_GivesTheStreetAndItsDistrict()
    {
        var place = AreaRules.Locate(Areas, "east-lake", "城西区西山街道某小区");
        Assert.Equal("east-lake", place.Street?.Id);
        Assert.Equal("east", place.District?.Id);
        Assert.Equal("工单登记的区域", place.How);
    }

    [Fact]
    public void Locate_WithoutArea_FindsTheStreetNamedInTheText()
    {
        var place = AreaRules.Locate(Areas, null, "东湖街道幸福路 12 号", "门口有人摆摊");
        Assert.Equal("east-lake", place.Street?.Id);
        Assert.Equal("east", place.District?.Id);
        Assert.Contains("东湖街道", place.How);
    }

    [Fact]
    public void Locate_TwoStreetsOfOneDistrictNamed_KnowsOnlyTheDistrict()
    {
        var place = AreaRules.Locate(Areas, null, "东湖街道和花园街道交界处");
        Assert.Null(place.Street);
        Assert.Equal("east", place.District?.Id);
    }

    [Fact]
    public void Locate_StreetsOfTwoDistricts_KnowsNothing() =>
        Assert.False(AreaRules.Locate(Areas, null, "东湖街道到西山街道的公交").IsKnown);

    [Fact]
    public void Locate_StreetOutsideTheRegisteredDistrict_IsIgnored()
    {
        var place = AreaRules.Locate(Areas, "west", "东湖街道");
        Assert.Null(place.Street);
        Assert.Equal("west", place.District?.Id);
    }

    [Fact]
    public void Resolve_StreetMatter_GoesToTheStreetOfficeOfTheTicketsStreet()
    {
        var unit = AreaRules.Resolve(Entry("占道经营", AreaLevel.Street), AreaRules.Locate(Areas, "east-garden"), Units());
        Assert.Equal("garden-office", unit?.DepartmentId.Value);
        Assert.False(unit!.Fallback);
        Assert.Contains("花园街道办事处", unit.How);
    }

    [Fact]
    public void Resolve_StreetWithoutAnOffice_FallsBackToTheDistrictGovernment()
    {
        var unit = AreaRules.Resolve(Entry("占道经营", AreaLevel.Street), AreaRules.Locate(Areas, "west-hill"), Units());
        Assert.Equal("west-gov", unit?.DepartmentId.Value);
        Assert.True(unit!.Fallback);
        Assert.Contains("西山街道", unit.How);
    }

    [Fact]
    public void Resolve_DistrictOnly_FallsBackToTheDistrictGovernment() =>
        Assert.Equal("east-gov", AreaRules.Resolve(Entry("占道经营", AreaLevel.Street), AreaRules.Locate(Areas, "east"), Units())?.DepartmentId.Value);

    [Fact]
    public void Resolve_UnknownArea_FallsBackToTheCityDepartment()
    {
        var unit = AreaRules.Resolve(Entry("占道经营", AreaLevel.Street), AreaPlace.Unknown, Units());
        Assert.Equal("city-um", unit?.DepartmentId.Value);
        Assert.True(unit!.Fallback);
    }

    [Fact]
    public void Resolve_InactiveStreetOffice_IsNotChosen()
    {
        var departments = Units().Where(d => d.Id.Value != "lake-office").Append(Dept("lake-office", "东湖街道办事处", DepartmentKind.StreetOffice, "east-lake", active: false)).ToList();
        Assert.Equal("east-gov", AreaRules.Resolve(Entry("占道经营", AreaLevel.Street), AreaRules.Locate(Areas, "east-lake"), departments)?.DepartmentId.Value);
    }

    [Fact]
    public void Resolve_TwoUnitsOfTheKindInOneStreet_IsAmbiguous_AndFallsBack()
    {
        var departments = Units().Append(Dept("lake-office-2", "东湖街道第二办事处", DepartmentKind.StreetOffice, "east-lake")).ToList();
        Assert.Equal("east-gov", AreaRules.Resolve(Entry("占道经营", AreaLevel.Street), AreaRules.Locate(Areas, "east-lake"), departments)?.DepartmentId.Value);
    }

    [Fact]
    public void Resolve_DistrictMatter_GoesToTheDistrictGovernment_EvenFromAStreet() =>
        Assert.Equal("east-gov", AreaRules.Resolve(Entry("违法建设", AreaLevel.District), AreaRules.Locate(Areas, "east-lake"), Units())?.DepartmentId.Value);

    [Fact]
    public void Resolve_CityMatter_IgnoresTheArea() =>
        Assert.Equal("city-um", AreaRules.Resolve(Entry("户外广告", AreaLevel.City), AreaRules.Locate(Areas, "east-lake"), Units())?.DepartmentId.Value);

    [Fact]
    public void Resolve_CityDepartmentInactive_GivesNothing()
    {
        var departments = Units().Where(d => d.Id.Value != "city-um").Append(Dept("city-um", "市城市管理局", DepartmentKind.Functional, "city", active: false)).ToList();
        Assert.Null(AreaRules.Resolve(Entry("户外广告", AreaLevel.City), AreaPlace.Unknown, departments));
    }

    [Fact]
    public void Applies_AreaScopedEntry_OnlyInsideItsArea()
    {
        var scoped = Entry("园区企业服务", AreaLevel.City);
        scoped.AreaId = "east";
        Assert.True(AreaRules.Applies(scoped, AreaRules.Locate(Areas, "east-lake"), Areas));
        Assert.True(AreaRules.Applies(scoped, AreaRules.Locate(Areas, "east"), Areas));
        Assert.False(AreaRules.Applies(scoped, AreaRules.Locate(Areas, "west-hill"), Areas));
        Assert.False(AreaRules.Applies(scoped, AreaPlace.Unknown, Areas));
        scoped.AreaId = "city";
        Assert.True(AreaRules.Applies(scoped, AreaPlace.Unknown, Areas));
    }
}
