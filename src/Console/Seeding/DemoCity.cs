using System.Security.Cryptography;
using Hotline.Host.Staff;
using Hotline.Routing.Catalogue;
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
            Dept("city-urban-management", "市城市管理局", DepartmentKind.Functional, "centre", CityId,
                "市容环境、户外广告、生活垃圾管理的统筹；跨区的占道经营与违法建设集中整治。"),
            Dept("city-housing-fund", "市住房公积金管理中心", DepartmentKind.Functional, "centre", CityId, "住房公积金的缴存、提取、贷款与查询。"),
            Dept("city-market-regulation", "市市场监督管理局", DepartmentKind.Functional, "centre", CityId, "食品安全、价格监督、消费者权益保护、特种设备安全。"),
            Dept("city-gas", "市燃气集团", DepartmentKind.Enterprise, "centre", CityId, "城市燃气供应、燃气设施巡检与泄漏抢修（24 小时）。"),
            Dept("city-power", "市供电公司", DepartmentKind.Enterprise, "centre", CityId, "城市电力供应、停电抢修与用电服务。"),
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
        db.Catalogue.AddRange(DemoCatalogue());
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The demo city's dispatch catalogue (派单目录): common matters, the words citizens use for them, and who handles them —
    /// street matters by the street office of the ticket's street (属地), district matters by the district government, the rest by a
    /// city department. Written for this demo; a real city imports its own (<c>POST /api/admin/catalogue/import</c>).
    /// </summary>
    public static IEnumerable<CatalogueEntry> DemoCatalogue()
    {
        CatalogueEntry Entry(string name, string category, AreaLevel level, string department, string remit, params string[] keywords) => new()
        {
            Name = name,
            CategoryId = category,
            Level = level,
            DepartmentId = new DepartmentId(department),
            Keywords = [.. keywords],
            Remit = remit,
            Version = 1,
            UpdatedBy = "演示数据",
        };
        const string building = "urban-construction";
        return
        [
            Entry("占道经营", building, AreaLevel.Street, "city-urban-management",
                "街道综合执法队劝导、查处辖区内的占道经营和流动摊贩；跨街道的集中整治由市城市管理局统筹。",
                "占道经营", "占道", "摆摊", "流动摊贩", "马路市场", "店外经营"),
            Entry("小区物业服务", building, AreaLevel.Street, "city-housing",
                "街道指导业主委员会、调解物业纠纷；物业企业的服务标准与信用由市住房和城乡建设局监管。",
                "物业", "物业公司", "物业费", "业主委员会", "业委会", "小区保洁"),
            Entry("违法建设", building, AreaLevel.District, "city-urban-management",
                "区人民政府组织查处辖区内的违法建设；在建工程的违法建设由市城市管理局查处。",
                "违法建设", "违章建筑", "违建", "私搭乱建", "违法搭建", "楼顶加盖"),
            Entry("生活垃圾清运", building, AreaLevel.Street, "city-urban-management",
                "街道负责辖区生活垃圾的收集和清运监督；垃圾处理设施由市城市管理局管理。",
                "垃圾清运", "垃圾堆放", "垃圾没人清理", "垃圾桶满", "垃圾成堆"),
            Entry("城市供水", building, AreaLevel.City, "city-water", "供水中断、水压、水质和管网漏损的抢修与答复。",
                "停水", "断水", "水压低", "水管爆裂", "自来水", "水质浑浊"),
            Entry("燃气安全", building, AreaLevel.City, "city-gas", "燃气泄漏抢修、燃气表和入户管道的检修；泄漏时同时提示市民转 119。",
                "燃气泄漏", "煤气泄漏", "天然气", "燃气表", "漏气", "燃气管道"),
            Entry("供电故障", building, AreaLevel.City, "city-power", "停电、电压异常和供电设施的抢修。",
                "停电", "断电", "电压不稳", "变压器", "跳闸"),
            Entry("住房公积金提取", building, AreaLevel.City, "city-housing-fund", "公积金提取条件、材料、到账时间和贷款政策的答复与办理。",
                "公积金提取", "提取公积金", "住房公积金", "公积金贷款", "公积金"),
            Entry("夜间施工噪音", "environment", AreaLevel.City, "city-environment", "核查夜间施工许可，查处无证或超时的建筑施工噪声。",
                "夜间施工", "施工噪音", "施工噪声", "半夜施工", "凌晨施工", "连夜施工"),
            Entry("社会生活噪音", "environment", AreaLevel.Street, "city-environment", "街道协调广场舞、商铺喇叭等社会生活噪音；需要监测执法时由市生态环境局处理。",
                "广场舞", "噪音扰民", "高音喇叭", "商铺喇叭", "音响太吵"),
            Entry("公交线路与站点", "transport", AreaLevel.City, "city-transport", "公交线路、站点、班次和驾驶员服务。",
                "公交", "公交车", "公交站", "线路调整", "班次"),
            Entry("出租车与网约车", "transport", AreaLevel.City, "city-transport", "出租车、网约车的拒载、绕路、乱收费。",
                "出租车", "网约车", "拒载", "绕路"),
            Entry("义务教育入学", "education-culture-sports", AreaLevel.District, "city-education",
                "区人民政府（区教育部门）负责学区划分、入学和转学；全市招生政策由市教育局答复。",
                "入学", "学位", "划片", "学区", "转学", "招生"),
            Entry("校外培训", "education-culture-sports", AreaLevel.City, "city-education", "校外培训机构的资质、收费和退费纠纷。",
                "培训机构", "校外培训", "补习班", "培训退费"),
            Entry("拖欠工资", "labour-social-security", AreaLevel.City, "city-hrss", "劳动保障监察受理欠薪投诉，农民工工资优先处置。",
                "拖欠工资", "欠薪", "讨薪", "工资不发", "农民工工资"),
            Entry("社会保险", "labour-social-security", AreaLevel.City, "city-hrss", "社保参保、缴费、待遇和社保卡业务。",
                "社保", "养老保险", "失业保险", "社保卡", "医保"),
            Entry("食品安全", "commerce-tourism", AreaLevel.City, "city-market-regulation", "食品生产经营的安全监督和投诉举报处置。",
                "食品安全", "过期食品", "变质", "餐馆卫生", "吃坏肚子"),
            Entry("价格与消费纠纷", "commerce-tourism", AreaLevel.City, "city-market-regulation", "价格违法、虚假宣传、预付卡和退换货纠纷。",
                "乱收费", "价格欺诈", "虚假宣传", "预付卡", "不给退款"),
            Entry("旅游市场", "commerce-tourism", AreaLevel.City, "city-culture-tourism", "旅行社、导游和景区服务质量的投诉处理。",
                "旅行社", "导游", "景区", "强制购物"),
            // Limited to 高新区: elsewhere these words name no matter of the catalogue.
            WithArea(Entry("园区企业服务", "commerce-tourism", AreaLevel.City, "gaoxin-gov", "高新区内企业的入驻、政策兑现和营商环境诉求由高新区管委会办理。",
                "企业服务", "营商环境", "园区", "政策兑现"), "gaoxin"),
            Entry("医疗服务", "health", AreaLevel.City, "city-health", "医疗机构的服务、收费和医疗纠纷。",
                "医院", "看病", "挂号", "医疗纠纷", "医生态度"),
            Entry("疫苗接种", "health", AreaLevel.City, "city-health", "预防接种门诊、疫苗供应和接种安排。",
                "疫苗", "接种"),
        ];
    }

    private static CatalogueEntry WithArea(CatalogueEntry entry, string areaId)
    {
        entry.AreaId = areaId;
        return entry;
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
