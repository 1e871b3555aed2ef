using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Options;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// Contact pressure shared by every journey (<c>PrivateFlows:ContactPolicy</c>), validated at start-up and put into
/// every decision. Unset keys keep the seed policy (<see cref="ContactPolicy.Default"/>: quiet hours 21:00–09:00,
/// 1 marketing message a day and 3 a week across channels, deferrals dropped after 3 days).
/// <code>
/// "ContactPolicy": {
///   "QuietStart": "21:00", "QuietEnd": "09:00",           // "" or "off" on both: no quiet hours
///   "Caps": [ { "Channel": "*", "Category": "marketing", "Max": 1, "Window": "1d" },
///             { "Channel": "sms", "Max": 3, "Window": "7d" } ],
///   "NoCaps": false,                                      // true: no caps at all (Caps must be empty)
///   "MaxDeferral": "3d"
/// }
/// </code>
/// </summary>
public sealed class ContactPolicyOptions
{
    public const string Section = "PrivateFlows:ContactPolicy";

    /// <summary>Local time (customer's zone) when quiet hours start, <c>HH:mm</c>.</summary>
    public string? QuietStart { get; set; }

    public string? QuietEnd { get; set; }

    /// <summary>Replaces the seed caps when given.</summary>
    public List<CapOptions> Caps { get; set; } = [];

    public bool NoCaps { get; set; }

    /// <summary>A duration (<c>3d</c>, <c>12h</c>, <c>P3D</c>): a send deferred longer than this is dropped.</summary>
    public string? MaxDeferral { get; set; }

    public sealed class CapOptions
    {
        /// <summary>A channel name, or <c>*</c> for all channels together.</summary>
        public string Channel { get; set; } = "*";

        /// <summary><c>marketing</c> (default) or <c>transactional</c> (transactional sends are never capped by the arbiter; a cap on them is refused).</summary>
        public string Category { get; set; } = "marketing";

        public int Max { get; set; }

        public string? Window { get; set; }
    }

    /// <summary>The policy, or every problem with the settings.</summary>
    public (ContactPolicy? Policy, IReadOnlyList<string> Problems) ToPolicy()
    {
        var problems = new List<string>();
        var policy = ContactPolicy.Default;

        var start = Time(QuietStart, nameof(QuietStart));
        var end = Time(QuietEnd, nameof(QuietEnd));
        if (QuietStart is not null || QuietEnd is not null)
        {
            if (start.Off != end.Off) problems.Add("quiet hours: set both QuietStart and QuietEnd, or turn both off");
            else if (start.Off) policy = policy with { QuietStart = null, QuietEnd = null };
            else if (start.Value is { } s && end.Value is { } e)
            {
                if (s == e) problems.Add("quiet hours: QuietStart and QuietEnd must differ");
                policy = policy with { QuietStart = s, QuietEnd = e };
            }
        }

        if (NoCaps && Caps.Count > 0) problems.Add("NoCaps is true but Caps are given: choose one");
        if (NoCaps) policy = policy with { Caps = [] };
        else if (Caps.Count > 0)
        {
            var caps = ImmutableArray.CreateBuilder<FrequencyCap>();
            for (var i = 0; i < Caps.Count; i++)
            {
                var cap = Caps[i];
                var where = $"Caps:{i.ToString(CultureInfo.InvariantCulture)}";
                if (string.IsNullOrWhiteSpace(cap.Channel) || (cap.Channel != "*" && !PrivateFlows.Workflows.Language.Channels.All.Contains(cap.Channel)))
                {
                    problems.Add($"{where}: unknown channel '{cap.Channel}' (use * or one of {string.Join(", ", PrivateFlows.Workflows.Language.Channels.All)})");
                }

                if (!Enum.TryParse<SendCategory>(cap.Category, ignoreCase: true, out var category) || !Enum.IsDefined(category)) problems.Add($"{where}: category must be marketing or transactional, not '{cap.Category}'");
                else if (category == SendCategory.Transactional) problems.Add($"{where}: transactional messages bypass caps; cap marketing messages only");
                if (cap.Max < 1) problems.Add($"{where}: Max must be at least 1");
                if (!Duration.TryParse(cap.Window, out var window)) problems.Add($"{where}: Window '{cap.Window}' is not a duration like 1d, 7d or 12h");
                caps.Add(new FrequencyCap(cap.Channel ?? "*", category, cap.Max, window));
            }

            policy = policy with { Caps = caps.ToImmutable() };
        }

        if (MaxDeferral is not null)
        {
            if (Duration.TryParse(MaxDeferral, out var deferral)) policy = policy with { MaxDeferral = deferral };
            else problems.Add($"MaxDeferral '{MaxDeferral}' is not a duration like 3d or 12h");
        }

        return problems.Count == 0 ? (policy, problems) : (null, problems);

        (bool Off, TimeOnly? Value) Time(string? text, string name)
        {
            if (text is null) return (false, null);
            if (text.Length == 0 || text.Equals("off", StringComparison.OrdinalIgnoreCase) || text.Equals("none", StringComparison.OrdinalIgnoreCase)) return (true, null);
            if (TimeOnly.TryParseExact(text, ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return (false, t);
            problems.Add($"{name} '{text}' is not a time of day like 21:00");
            return (false, null);
        }
    }
}

/// <summary>Refuses to start with a contact policy that makes no sense, naming each problem.</summary>
public sealed class ContactPolicyOptionsValidator : IValidateOptions<ContactPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, ContactPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (_, problems) = options.ToPolicy();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => $"{ContactPolicyOptions.Section}: {p}"));
    }
}
