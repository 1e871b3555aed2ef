using System.Collections.Immutable;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// One journey version and variant as a funnel: how many entered, then each step in the journey's order with how many
/// reached it and what became of the others who could have (see <see cref="FunnelStep"/>).
/// </summary>
public sealed record VariantFunnel(string Version, string Variant, long Entered, ImmutableArray<FunnelStep> Steps);

/// <summary>
/// A step of the funnel. <see cref="Candidates"/> are the instances that reached a step leading to this one (every
/// instance, for the first step); of those that did not reach it yet, each is counted once, in this order:
/// <see cref="OtherPath"/> went down another branch (or split variant, or wait_for outcome) of that step,
/// <see cref="InProgress"/> is still running (waiting before this step), <see cref="ConvertedBefore"/> reached the
/// goal first, and <see cref="DroppedOff"/> ended (exited, cancelled, completed, failed) without getting here.
/// </summary>
public sealed record FunnelStep(string Step, long Reached, long Candidates, long OtherPath, long InProgress, long ConvertedBefore, long DroppedOff);
