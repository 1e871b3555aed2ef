using System.Globalization;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using Scriban.Runtime;

namespace PrivateFlows.Cli.Commands;

/// <summary>
/// Sample instance variables for a preview, as the journey that sends the template would set them: the coupon of its
/// <c>issue_coupon</c> step (a sample code, its amount, expiry counted from today in the customer's zone) and the
/// first variant of a split.
/// </summary>
internal static class SampleVars
{
    /// <summary>The variables, or null when a named journey cannot be read (the reason is printed).</summary>
    public static ScriptObject? FromJourney(string? journeyPath, string templatesFolder, string template, CustomerProfile profile, DateTimeOffset now, CliOutput output)
    {
        var vars = new ScriptObject();
        JourneyDefinition? journey;
        if (journeyPath is not null)
        {
            if (!File.Exists(journeyPath))
            {
                output.Error.WriteLine($"{journeyPath}: no such file");
                return null;
            }

            var (parsed, diagnostics) = JourneyParser.Parse(journeyPath, File.ReadAllText(journeyPath));
            foreach (var d in diagnostics.Where(d => d.IsError)) output.Error.WriteLine(d.ToString());
            if (parsed is null) return null;
            journey = parsed;
        }
        else
        {
            journey = Sender(Path.GetDirectoryName(Path.GetFullPath(templatesFolder)), template);
        }

        if (journey is null) return vars;
        var send = journey.Steps.OfType<SendStep>().FirstOrDefault(s => s.Template == template);
        var before = send is null ? journey.Steps : journey.Steps.TakeWhile(s => s != send);
        var coupon = before.OfType<IssueCouponStep>().LastOrDefault() ?? journey.Steps.OfType<IssueCouponStep>().FirstOrDefault();
        var set = new List<string>();
        if (coupon is not null)
        {
            vars["coupon_code"] = $"{coupon.Coupon}-SAMPLE00";
            vars["coupon_amount"] = coupon.Amount.ToString("0.##", CultureInfo.InvariantCulture);
            vars["coupon_expires"] = coupon.Valid is { } valid ? CustomerClock.ToLocal(now + valid, profile.TimeZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
            set.Add($"coupon from step '{coupon.Id}'");
        }

        if (journey.Steps.OfType<SplitStep>().FirstOrDefault() is { Variants.Length: > 0 } split)
        {
            vars["variant"] = split.Variants[0].Name;
            set.Add($"variant '{split.Variants[0].Name}' of step '{split.Id}'");
        }

        if (set.Count > 0) output.Error.WriteLine($"sample variables from journey '{journey.Name}': {string.Join(", ", set)} (override with --var name=value)");
        return vars;
    }

    /// <summary>The first journey (by file name) in <paramref name="folder"/> that sends <paramref name="template"/>.</summary>
    private static JourneyDefinition? Sender(string? folder, string template)
    {
        if (folder is null || !Directory.Exists(folder)) return null;
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var (journey, _) = JourneyParser.Parse(file, File.ReadAllText(file));
            if (journey is not null && journey.Steps.OfType<SendStep>().Any(s => s.Template == template)) return journey;
        }

        return null;
    }
}
