namespace PrivateFlows.Workflows.Segments;

/// <summary>
/// A customer's RFM scores (1–5 each, 5 best) and group, with the values they were scored from.
/// <see cref="RecencyDays"/> is null when the customer never ordered.
/// </summary>
public sealed record RfmScore(int R, int F, int M, string Group, int? RecencyDays, int Orders, decimal NetSpend)
{
    /// <summary>The three digits, e.g. "545".</summary>
    public string Code => $"{R}{F}{M}";
}
