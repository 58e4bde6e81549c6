using Hotline.Routing.Llm;

namespace Hotline.Routing.Tests.Llm;

public sealed class PromptRedactionTests
{
    [Theory]
    [InlineData("联系电话13812345678，请回电", "联系电话【手机号】，请回电")]
    [InlineData("手机 138-1234-5678 或 +86 139 1234 5678", "手机 【手机号】 或 【手机号】")]
    [InlineData("座机010-12345678，传真(0571)88881234，另有057188881234", "座机【电话】，传真【电话】，另有【电话】")]
    [InlineData("身份证号11010119900307451X，旧证110101900307451", "身份证号【身份证号】，旧证【身份证号】")]
    [InlineData("工资卡6222021234567890123被冻结", "工资卡【长数字】被冻结")]
    [InlineData("请发到 zhang.san@example.com 谢谢", "请发到 【邮箱】 谢谢")]
    public void Mask_ReplacesPersonalNumbersAndAddresses(string text, string masked)
    {
        Assert.Equal(masked, PromptRedaction.Mask(text));
    }

    [Theory]
    [InlineData("3号楼2单元1502室电梯坏了")]
    [InlineData("2025年10月1日起停水3天，涉及1200户")]
    [InlineData("12345热线工单号20251001000123")]
    [InlineData("公交18路末班车提前到21:30")]
    public void Mask_LeavesOrdinaryNumbersAlone(string text)
    {
        Assert.Equal(text, PromptRedaction.Mask(text));
    }

    [Fact]
    public void Mask_KnownNames_AreReplaced_SingleCharactersAreNot()
    {
        Assert.Equal("我是【姓名】，李师傅说明天来修", PromptRedaction.Mask("我是王小明，李师傅说明天来修", ["王小明", "李", null]));
    }
}
