namespace PrivateFlows.Durable.Api;

/// <summary>
/// API keys per role, the same settings as the local host (<c>PrivateFlows:ApiKeys:Producer:0</c>, …; app settings
/// <c>PrivateFlows__ApiKeys__Ops__0</c>, Key Vault references in Azure). Unlike the local host there is no keyless dev
/// mode: with no key at all every data route refuses (503), because a Function app is reachable from the internet.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string Section = "PrivateFlows:ApiKeys";

    public List<string> Producer { get; set; } = [];

    public List<string> Marketer { get; set; } = [];

    public List<string> Ops { get; set; } = [];

    public bool Any => Keys.Any();

    public IEnumerable<(string Key, string Role)> Keys =>
        Producer.Select(k => (k, ApiRoles.Producer))
            .Concat(Marketer.Select(k => (k, ApiRoles.Marketer)))
            .Concat(Ops.Select(k => (k, ApiRoles.Ops)))
            .Where(x => !string.IsNullOrWhiteSpace(x.Item1));
}
