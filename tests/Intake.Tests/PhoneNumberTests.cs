using Hotline.Intake.Citizens;

namespace Hotline.Intake.Tests;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("13812345678", "+8613812345678")]
    [InlineData("138 1234 5678", "+8613812345678")]
    [InlineData("138-1234-5678", "+8613812345678")]
    [InlineData("+86 138 1234 5678", "+8613812345678")]
    [InlineData("+8613812345678", "+8613812345678")]
    [InlineData("008613812345678", "+8613812345678")]
    [InlineData("8613812345678", "+8613812345678")]
    [InlineData("１３８１２３４５６７８", "+8613812345678")]
    [InlineData("010-12345678", "+861012345678")]
    [InlineData("(010)12345678", "+861012345678")]
    [InlineData("0571 8888 1234", "+8657188881234")]
    [InlineData("0731-8123456", "+867318123456")]
    [InlineData("+86 10 1234 5678", "+861012345678")]
    [InlineData("+14155552671", "+14155552671")]
    public void TryNormalize_AcceptedSpellings_GiveE164(string input, string expected)
    {
        Assert.True(PhoneNumber.TryNormalize(input, out var e164));
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("123")]
    [InlineData("12345")]
    [InlineData("23812345678")]
    [InlineData("1381234567")]
    [InlineData("138123456789")]
    [InlineData("abc13812345678")]
    [InlineData("+0123456789")]
    [InlineData("010-1234")]
    [InlineData("13812345678😀")]
    public void TryNormalize_Garbage_IsRefused(string? input)
    {
        Assert.False(PhoneNumber.TryNormalize(input, out _));
    }
}
