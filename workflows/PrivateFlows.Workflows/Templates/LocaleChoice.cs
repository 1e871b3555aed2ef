namespace PrivateFlows.Workflows.Templates;

/// <summary>Chooses the template locale: exact, then same language, then zh-CN, then en, then anything.</summary>
public static class LocaleChoice
{
    public static string? Choose(string? wanted, IReadOnlyCollection<string> available)
    {
        if (available.Count == 0) return null;
        if (!string.IsNullOrEmpty(wanted))
        {
            var exact = available.FirstOrDefault(l => string.Equals(l, wanted, StringComparison.OrdinalIgnoreCase));
            if (exact is not null) return exact;
            var language = wanted.Split('-', '_')[0];
            var same = available.Where(l => string.Equals(l.Split('-', '_')[0], language, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).FirstOrDefault();
            if (same is not null) return same;
        }

        return available.Contains("zh-CN") ? "zh-CN" : available.Contains("en") ? "en" : available.Order(StringComparer.Ordinal).First();
    }
}
