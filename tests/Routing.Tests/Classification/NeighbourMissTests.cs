using Hotline.Routing.Classification;

namespace Hotline.Routing.Tests.Classification;

/// <summary>How often the model missed around a text (<see cref="NeighbourIndex.MissOdds"/>), the neighbourhood input of the
/// dispatch confidence.</summary>
public sealed class NeighbourMissTests
{
    // Feature 0 is a disputed subject (both texts missed), feature 1 an ordinary one (both right); texts 0 and 2 were held out
    // in calibration fold 0, texts 1 and 3 in fold 1.
    private static readonly SparseVector[] Rows =
    [
        new([0], [1f]),
        new([0], [1f]),
        new([1], [1f]),
        new([1], [1f]),
    ];

    private static NeighbourIndex Index() =>
        NeighbourIndex.Build(Rows, [0, 1, 0, 1], classes: 2, features: 2, count: 10).WithMisses([true, true, false, false], [0, 1, 0, 1]);

    [Fact]
    public void NearMissedTexts_RaiseTheOdds_NearRightOnes_LowerThem()
    {
        var index = Index();

        Assert.True(index.MissOdds(new SparseVector([0], [1f])) > 0.5);
        Assert.True(index.MissOdds(new SparseVector([1], [1f])) < -0.5);
        // Nothing similar: the overall rate, so no difference.
        Assert.Equal(0.0, index.MissOdds(SparseVector.Empty)!.Value, 12);
    }

    [Fact]
    public void ATrainingText_ReadsOnlyItsOwnFold_WithoutItself()
    {
        var index = Index();

        // Text 0, read in its fold (0) without itself: no other text of fold 0 shares its subject, so nothing is known.
        Assert.Equal(0.0, index.MissOdds(Rows[0], fold: 0, skip: d => d == 0)!.Value, 12);
        // Read across folds, text 1's miss (made by a model that had learnt text 0) would count.
        Assert.True(index.MissOdds(Rows[0], skip: d => d == 0) > 0.5);
    }

    [Fact]
    public void WithoutRecordedMisses_ThereIsNoValue()
    {
        var index = NeighbourIndex.Build(Rows, [0, 1, 0, 1], classes: 2, features: 2, count: 10);

        Assert.Null(index.MissOdds(Rows[0]));
    }

    [Fact]
    public void MissFlagsMustMatchTheStoredTexts()
    {
        var index = NeighbourIndex.Build(Rows, [0, 1, 0, 1], classes: 2, features: 2, count: 10);

        Assert.Throws<ArgumentException>(() => index.WithMisses([true], [0]));
    }
}
