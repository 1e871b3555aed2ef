namespace PrivateFlows.Host.Security;

/// <summary>
/// API keys per role (<c>PrivateFlows:ApiKeys:Producer:0</c>, …; environment <c>PrivateFlows__ApiKeys__Ops__0</c>).
/// Keys are secrets: set them in the environment or user secrets, never in a committed file.
/// With no key at all the host runs in dev mode: loopback only, every caller has every role.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string Section = "PrivateFlows:ApiKeys";

    public List<string> Producer { get; set; } = [];

    public List<string> Marketer { get; set; } = [];

    public List<string> Ops { get; set; } = [];

    public bool Any => Producer.Count + Marketer.Count + Ops.Count > 0;

    public IEnumerable<(string Key, string Role)> Keys =>
        Producer.Select(k => (k, Roles.Producer))
            .Concat(Marketer.Select(k => (k, Roles.Marketer)))
            .Concat(Ops.Select(k => (k, Roles.Ops)))
            .Where(x => !string.IsNullOrWhiteSpace(x.Item1));
}
