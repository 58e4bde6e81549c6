using System.Security.Cryptography;
using Hotline.Host.Staff;
using Hotline.Routing.Departments;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Seeding;

/// <summary>
/// A small demo city for a first run: a 12345 centre, districts and streets, the departments behind the seven first-level
/// categories of the TipDM message board, and one staff account per role. Seeded only into an empty database.
/// </summary>
public static class DemoCity
{
    public const string CityId = "demo-city";

    public static async Task SeedReferenceDataAsync(RoutingDbContext db, CancellationToken ct)
    {
        if (await db.Departments.AnyAsync(ct))
        {
            return;
        }
        db.Areas.AddRange(
            new Area { Id = CityId, Name = "示范市", Level = AreaLevel.City },
            new Area { Id = "chengdong", Name = "城东区", Level = AreaLevel.District, ParentId = CityId },
            new Area { Id = "chengxi", Name = "城西区", Level = AreaLevel.District, ParentId = CityId },
            new Area { Id = "gaoxin", Name = "高新区", Level = AreaLevel.District, ParentId = CityId },
            new Area { Id = "chengdong-donghu", Name = "东湖街道", Level = AreaLevel.Street, ParentId = "chengdong" },
            new Area { Id = "chengdong-wenchang", Name = "文昌街道", Level = AreaLevel.Street, ParentId = "chengdong" },
            new Area { Id = "chengxi-xishan", Name = "西山街道", Level = AreaLevel.Street, ParentId = "chengxi" },
            new Area { Id = "chengxi-hepan", Name = "河畔街道", Level = AreaLevel.Street, ParentId = "chengxi" },
            new Area { Id = "gaoxin-kechuang", Name = "科创街道", Level = AreaLevel.Street, ParentId = "gaoxin" });

        Department Dept(string id, string name, DepartmentKind kind, string? parent, string area, string remit) => new()
        {
            Id = new DepartmentId(id),
            Name = name,
            Kind = kind,
            ParentId = parent is null ? null : new DepartmentId(parent),
            AreaId = area,
            Email = $"{id}@demo-city.example",
            Remit = remit,
        };
        db.Departments.AddRange(
            Dept("centre", "示范市12345政务服务便民热线中心", DepartmentKind.Centre, null, CityId, "受理、派单、督办、回访和考核。"),
            Dept("city-housing", "市住房和城乡建设局", DepartmentKind.Functional, "centre", CityId, "房屋建设、物业管理、城市建设、燃气与供热行业监管。"),
            Dept("city-environment", "市生态环境局", DepartmentKind.Functional, "centre", CityId, "大气、水、噪声、固体废物污染防治与环境执法。"),
            Dept("city-transport", "市交通运输局", DepartmentKind.Functional, "centre", CityId, "公共交通、出租车、道路运输与交通基础设施。"),
            Dept("city-education", "市教育局", DepartmentKind.Functional, "centre", CityId, "学校管理、招生入学、校外培训监管。"),
            Dept("city-culture-tourism", "市文化广电和旅游局", DepartmentKind.Functional, "centre", CityId, "文化、体育场馆、旅游市场监管。"),
            Dept("city-hrss", "市人力资源和社会保障局", DepartmentKind.Functional, "centre", CityId, "就业、社会保险、劳动关系与欠薪处置。"),
            Dept("city-commerce", "市商务局", DepartmentKind.Functional, "centre", CityId, "商贸流通、消费市场、商业网点管理。"),
            Dept("city-health", "市卫生健康委员会", DepartmentKind.Functional, "centre", CityId, "医疗机构、公共卫生、计划生育服务。"),
            Dept("city-water", "市水务集团", DepartmentKind.Enterprise, "centre", CityId, "城市供水、排水与管网抢修。"),
            Dept("chengdong-gov", "城东区人民政府", DepartmentKind.DistrictGovernment, "centre", "chengdong", "城东区属地事项。"),
            Dept("chengxi-gov", "城西区人民政府", DepartmentKind.DistrictGovernment, "centre", "chengxi", "城西区属地事项。"),
            Dept("gaoxin-gov", "高新区管委会", DepartmentKind.DistrictGovernment, "centre", "gaoxin", "高新区属地事项。"),
            Dept("donghu-office", "东湖街道办事处", DepartmentKind.StreetOffice, "chengdong-gov", "chengdong-donghu", "东湖街道辖区事项。"),
            Dept("wenchang-office", "文昌街道办事处", DepartmentKind.StreetOffice, "chengdong-gov", "chengdong-wenchang", "文昌街道辖区事项。"),
            Dept("xishan-office", "西山街道办事处", DepartmentKind.StreetOffice, "chengxi-gov", "chengxi-xishan", "西山街道辖区事项。"),
            Dept("hepan-office", "河畔街道办事处", DepartmentKind.StreetOffice, "chengxi-gov", "chengxi-hepan", "河畔街道辖区事项。"),
            Dept("kechuang-office", "科创街道办事处", DepartmentKind.StreetOffice, "gaoxin-gov", "gaoxin-kechuang", "科创街道辖区事项。"));

        Category Cat(string id, string name, string dept) => new() { Id = id, Name = name, DefaultDepartmentId = new DepartmentId(dept) };
        db.Categories.AddRange(
            Cat("urban-construction", "城乡建设", "city-housing"),
            Cat("environment", "环境保护", "city-environment"),
            Cat("transport", "交通运输", "city-transport"),
            Cat("education-culture-sports", "教育文体", "city-education"),
            Cat("labour-social-security", "劳动和社会保障", "city-hrss"),
            Cat("commerce-tourism", "商贸旅游", "city-commerce"),
            Cat("health", "卫生计生", "city-health"));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>One account per role. Passwords are random unless <c>Hotline:Demo:Password</c> sets one; they are printed once.</summary>
    public static async Task<IReadOnlyList<(string Role, string UserName, string Password)>> SeedStaffAsync(
        UserManager<StaffUser> users, RoleManager<IdentityRole> roles, string? fixedPassword)
    {
        foreach (var role in Enum.GetValues<StaffRole>().Select(StaffRoles.NameOf))
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)));
            }
        }
        if (users.Users.Any())
        {
            return [];
        }
        var accounts = new (string UserName, string Name, StaffRole Role, string? Department)[]
        {
            ("agent", "王芳", StaffRole.Agent, null),
            ("dispatcher", "李强", StaffRole.Dispatcher, null),
            ("housing", "张伟", StaffRole.Department, "city-housing"),
            ("supervisor", "陈静", StaffRole.Supervisor, null),
            ("admin", "刘洋", StaffRole.Admin, null),
        };
        var created = new List<(string, string, string)>();
        foreach (var (userName, name, role, department) in accounts)
        {
            var password = fixedPassword ?? NewPassword();
            var user = new StaffUser { UserName = userName, DisplayName = name, DepartmentId = department };
            Check(await users.CreateAsync(user, password));
            Check(await users.AddToRoleAsync(user, StaffRoles.NameOf(role)));
            created.Add((StaffRoles.LabelOf(role), userName, password));
        }
        return created;
    }

    /// <summary>A password that meets Identity's default rules: 14 characters with upper, lower, digit and symbol.</summary>
    public static string NewPassword()
    {
        const string lower = "abcdefghijkmnpqrstuvwxyz";
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string digits = "23456789";
        const string all = lower + upper + digits;
        var chars = new char[14];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }
        chars[2] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[5] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[8] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[11] = '-';
        return new string(chars);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Seeding staff failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
