using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Tests.Support;

/// <summary>The built-in journeys from workflows/journeys, loaded once.</summary>
public static class BuiltIn
{
    public const string Onboarding = "onboarding";
    public const string RepurchaseNudge = "repurchase-nudge";
    public const string WinBack = "win-back";
    public const string ReferralReward = "referral-reward";
    public const string BirthdayCare = "birthday-care";

    public static readonly IReadOnlyList<string> Names = [Onboarding, RepurchaseNudge, WinBack, ReferralReward, BirthdayCare];

    private static readonly Lazy<LoadResult> Loaded = new(() => JourneyLoader.LoadDirectory(RepoRoot.Journeys));

    public static LoadResult Result => Loaded.Value;

    public static JourneyVersion Journey(string name)
    {
        var journey = Loaded.Value.Journeys.FirstOrDefault(j => j.Name == name);
        return journey ?? throw new InvalidOperationException(
            $"built-in journey '{name}' did not load: {string.Join(Environment.NewLine, Loaded.Value.Diagnostics)}");
    }

    public static IReadOnlyList<JourneyVersion> All => [.. Names.Select(Journey)];

    /// <summary>Every template under workflows/journeys/templates (for inline journeys that reuse the shared partial).</summary>
    public static IReadOnlyList<PrivateFlows.Workflows.Templates.TemplateSource> Templates => JourneyLoader.ReadTemplates(RepoRoot.Templates);
}
