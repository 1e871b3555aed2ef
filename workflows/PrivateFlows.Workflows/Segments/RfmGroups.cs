namespace PrivateFlows.Workflows.Segments;

/// <summary>
/// The classic RFM groups, from recency R and the rounded mean of frequency and monetary, FM = ⌈(F + M) / 2⌉:
/// <code>
///        FM 1            FM 2            FM 3             FM 4          FM 5
/// R 5    new             potential-loyalist                champions
/// R 4    promising       potential-loyalist                loyal
/// R 3    about-to-sleep  about-to-sleep  need-attention    loyal
/// R 2    hibernating     hibernating     at-risk           at-risk       cannot-lose
/// R 1    lost            hibernating     at-risk           at-risk       cannot-lose
/// </code>
/// Every score combination falls in exactly one group.
/// </summary>
public static class RfmGroups
{
    /// <summary>Bought recently, often and a lot.</summary>
    public const string Champions = "champions";
    public const string Loyal = "loyal";
    /// <summary>Recent, with some repeat or spend: can become loyal.</summary>
    public const string PotentialLoyalist = "potential-loyalist";
    /// <summary>Bought very recently, once or for little.</summary>
    public const string New = "new";
    public const string Promising = "promising";
    public const string NeedAttention = "need-attention";
    public const string AboutToSleep = "about-to-sleep";
    /// <summary>Used to buy often or a lot, silent for a while.</summary>
    public const string AtRisk = "at-risk";
    /// <summary>The best customers of the past, silent for long.</summary>
    public const string CannotLose = "cannot-lose";
    public const string Hibernating = "hibernating";
    public const string Lost = "lost";

    public static readonly IReadOnlyList<string> All =
        [Champions, Loyal, PotentialLoyalist, New, Promising, NeedAttention, AboutToSleep, AtRisk, CannotLose, Hibernating, Lost];

    public static string For(int r, int f, int m)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(r, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(r, 5);
        ArgumentOutOfRangeException.ThrowIfLessThan(f, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(f, 5);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, 5);
        var fm = (f + m + 1) / 2;
        return r switch
        {
            5 => fm == 1 ? New : fm <= 3 ? PotentialLoyalist : Champions,
            4 => fm == 1 ? Promising : fm <= 3 ? PotentialLoyalist : Loyal,
            3 => fm <= 2 ? AboutToSleep : fm == 3 ? NeedAttention : Loyal,
            _ => fm == 5 ? CannotLose : fm >= 3 ? AtRisk : r == 1 && fm == 1 ? Lost : Hibernating,
        };
    }
}
