using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// The private-domain program every decision uses (<c>PrivateFlows:Program</c>): lifecycle and RFM thresholds,
/// named segments, loyalty tiers and points, referral anti-fraud. Each key overrides the seed program
/// (<see cref="CustomerProgram.Default"/>); unset keys keep it. Validated at start-up with <see cref="CustomerProgram.Problems"/>.
/// </summary>
public sealed class CustomerProgramOptions
{
    public const string Section = "PrivateFlows:Program";

    public LifecycleOptions? Lifecycle { get; set; }

    public RfmOptions? Rfm { get; set; }

    /// <summary>Named segments, added to the seed segments (one with a seed segment's name replaces it).</summary>
    public List<SegmentOptions> Segments { get; set; } = [];

    /// <summary>Drop the seed segments and keep only <see cref="Segments"/>.</summary>
    public bool ReplaceSeedSegments { get; set; }

    public LoyaltyOptions? Loyalty { get; set; }

    public ReferralOptions? Referral { get; set; }

    public sealed class LifecycleOptions
    {
        public int? NewDays { get; set; }
        public int? AtRiskDays { get; set; }
        public int? DormantDays { get; set; }
        public int? ChurnedDays { get; set; }
        public int? RecalledDays { get; set; }
    }

    public sealed class RfmOptions
    {
        /// <summary><c>Fixed</c> (the cut points below) or <c>Quintiles</c> (computed from the customer base).</summary>
        public RfmMode? Mode { get; set; }
        public List<int>? RecencyDays { get; set; }
        public List<int>? Orders { get; set; }
        public List<decimal>? NetSpend { get; set; }
    }

    public sealed class SegmentOptions
    {
        public string Name { get; set; } = "";
        public string Expression { get; set; } = "";
        public string? Description { get; set; }
    }

    public sealed class LoyaltyOptions
    {
        public decimal? PointsPerCurrencyUnit { get; set; }
        public decimal? BirthdayMultiplier { get; set; }
        /// <summary>Lowest first; thresholds grow.</summary>
        public List<TierOptions>? Tiers { get; set; }
        public TierBasis? TierBasis { get; set; }
        /// <summary><c>MM-dd</c>.</summary>
        public string? TierReviewDate { get; set; }
        /// <summary><c>never</c>, <c>end-of-following-year</c>, or a number of days (<c>365</c>).</summary>
        public string? Expiry { get; set; }
    }

    public sealed class TierOptions
    {
        public string Name { get; set; } = "";
        public decimal Threshold { get; set; }
    }

    public sealed class ReferralOptions
    {
        public int? MaxReferralsPerReferrerPerDay { get; set; }
        /// <summary>A duration (<c>7d</c>).</summary>
        public string? HoldWindow { get; set; }
        public bool? HoldWhenReferrerUnknown { get; set; }
        public string? TimeZone { get; set; }
    }

    /// <summary>The program, or every problem with the settings.</summary>
    public (CustomerProgram? Program, IReadOnlyList<string> Problems) ToProgram()
    {
        var problems = new List<string>();
        var program = CustomerProgram.Default;

        if (Lifecycle is { } l)
        {
            var t = program.Lifecycle;
            program = program with
            {
                Lifecycle = t with
                {
                    NewDays = l.NewDays ?? t.NewDays,
                    AtRiskDays = l.AtRiskDays ?? t.AtRiskDays,
                    DormantDays = l.DormantDays ?? t.DormantDays,
                    ChurnedDays = l.ChurnedDays ?? t.ChurnedDays,
                    RecalledDays = l.RecalledDays ?? t.RecalledDays,
                },
            };
        }

        if (Rfm is { } r)
        {
            var t = program.Rfm;
            program = program with
            {
                RfmMode = r.Mode ?? program.RfmMode,
                Rfm = t with
                {
                    RecencyDays = r.RecencyDays is { } days ? [.. days] : t.RecencyDays,
                    Orders = r.Orders is { } orders ? [.. orders] : t.Orders,
                    NetSpend = r.NetSpend is { } spend ? [.. spend] : t.NetSpend,
                },
            };
        }

        if (Segments.Count > 0 || ReplaceSeedSegments)
        {
            var configured = Segments.Select(s => new SegmentDefinition(s.Name, s.Expression, s.Description)).ToList();
            var names = configured.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            var kept = ReplaceSeedSegments ? [] : program.Segments.Where(s => !names.Contains(s.Name));
            program = program with { Segments = [.. kept, .. configured] };
        }

        if (Loyalty is { } y)
        {
            var loyalty = program.Loyalty;
            var expiry = loyalty.Expiry;
            if (y.Expiry is { } text)
            {
                if (text.Equals("never", StringComparison.OrdinalIgnoreCase)) expiry = PointsExpiryPolicy.Never;
                else if (text.Equals("end-of-following-year", StringComparison.OrdinalIgnoreCase)) expiry = PointsExpiryPolicy.EndOfFollowingYear;
                else if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) && days > 0) expiry = PointsExpiryPolicy.AfterDays(days);
                else problems.Add($"Loyalty:Expiry '{text}' must be never, end-of-following-year or a number of days");
            }

            program = program with
            {
                Loyalty = loyalty with
                {
                    PointsPerCurrencyUnit = y.PointsPerCurrencyUnit ?? loyalty.PointsPerCurrencyUnit,
                    BirthdayMultiplier = y.BirthdayMultiplier ?? loyalty.BirthdayMultiplier,
                    Tiers = y.Tiers is { Count: > 0 } tiers ? [.. tiers.Select(t => new MemberTier(t.Name, t.Threshold))] : loyalty.Tiers,
                    TierBasis = y.TierBasis ?? loyalty.TierBasis,
                    TierReviewDate = y.TierReviewDate ?? loyalty.TierReviewDate,
                    Expiry = expiry,
                },
            };
        }

        if (Referral is { } f)
        {
            var rules = program.Referral;
            var window = rules.HoldWindow;
            if (f.HoldWindow is { } text && !Duration.TryParse(text, out window)) problems.Add($"Referral:HoldWindow '{text}' is not a duration like 7d");
            if (f.TimeZone is { } zone && NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null) problems.Add($"Referral:TimeZone '{zone}' is not an IANA time zone");
            program = program with
            {
                Referral = rules with
                {
                    MaxReferralsPerReferrerPerDay = f.MaxReferralsPerReferrerPerDay ?? rules.MaxReferralsPerReferrerPerDay,
                    HoldWindow = window,
                    HoldWhenReferrerUnknown = f.HoldWhenReferrerUnknown ?? rules.HoldWhenReferrerUnknown,
                    TimeZone = f.TimeZone ?? rules.TimeZone,
                },
            };
        }

        problems.AddRange(program.Problems());
        return problems.Count == 0 ? (program, problems) : (null, problems);
    }
}

/// <summary>Refuses to start with a program that makes no sense, naming each problem.</summary>
public sealed class CustomerProgramOptionsValidator : IValidateOptions<CustomerProgramOptions>
{
    public ValidateOptionsResult Validate(string? name, CustomerProgramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (_, problems) = options.ToProgram();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => $"{CustomerProgramOptions.Section}: {p}"));
    }
}
