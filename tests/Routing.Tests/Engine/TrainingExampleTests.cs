using Hotline.Routing.Engine;

namespace Hotline.Routing.Tests.Engine;

public sealed class TrainingExampleTests
{
    [Fact]
    public void ATicketsText_FitsTheColumn_EvenWithAFullContentUnderItsTitle_AndNeverEndsInHalfAnEmoji()
    {
        // Content may be 10,000 characters and intake always gives a title: together they overflowed varchar(10000).
        var text = TrainingExample.TextOf("路灯不亮", new string('路', 10_000));
        Assert.Equal(TrainingExample.MaxTextLength, text.Length);
        Assert.StartsWith("路灯不亮\n", text, StringComparison.Ordinal);

        var emojiAtTheCut = TrainingExample.Cut(new string('a', TrainingExample.MaxTextLength - 1) + "😀😀");
        Assert.Equal(TrainingExample.MaxTextLength - 1, emojiAtTheCut.Length);
        Assert.False(char.IsHighSurrogate(emojiAtTheCut[^1]));

        Assert.Equal("短文本\n内容", TrainingExample.TextOf("短文本", "内容"));
    }
}
