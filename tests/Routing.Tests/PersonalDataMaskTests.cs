using Hotline.Routing.Tickets;

namespace Hotline.Routing.Tests;

public sealed class PersonalDataMaskTests
{
    [Theory]
    [InlineData("+8613812345678", "138****5678")]
    [InlineData("+861012345678", "010****5678")]
    [InlineData("+8657188881234", "0571****1234")]
    public void Phone_KeepsPrefixAndLastFourDigits(string e164, string masked)
    {
        Assert.Equal(masked, PersonalDataMask.Phone(e164));
    }

    [Theory]
    [InlineData("张三", "张*")]
    [InlineData("欧阳娜娜", "欧***")]
    [InlineData("李", "李*")]
    public void Name_KeepsOnlyTheFirstCharacter(string name, string masked)
    {
        Assert.Equal(masked, PersonalDataMask.Name(name));
    }
}
