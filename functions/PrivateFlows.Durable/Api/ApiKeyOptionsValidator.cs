using Microsoft.Extensions.Options;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// Start-up check of the API keys: a key shorter than <see cref="MinimumLength"/> characters stops the app (it could
/// be guessed). No key at all does not stop it, so <c>/api/healthz</c> and the dashboard's files still answer, but
/// every data route then answers 503 and <see cref="ApiKeysStartupReport"/> logs it as an error at start.
/// </summary>
public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public const int MinimumLength = 16;

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var weak = options.Keys.Where(k => k.Key.Trim().Length < MinimumLength).Select(k => k.Role).Distinct(StringComparer.Ordinal).ToList();
        return weak.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{ApiKeyOptions.Section}: keys of role(s) {string.Join(", ", weak)} are shorter than {MinimumLength} characters (generate one with: openssl rand -hex 32)");
    }
}
