using System.Text.Json.Nodes;
using PrivateFlows.Infrastructure.Tests.Support;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>
/// Settings ⟷ infrastructure: every setting the Functions app validates at start-up
/// (infra/app-settings.required.json, the one list) is supplied by the compiled template, and every
/// secret among them is a Key Vault reference; a setting removed from the Bicep fails here, not at start-up in Azure.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed class AppSettingsConsistencyTests(BicepFixture bicep)
{
    private static readonly JsonObject Required = Repo.ReadJson("infra", "app-settings.required.json").AsObject();

    public static TheoryData<string> RequiredSettings() =>
        [.. Required["settings"]!.AsArray().Select(s => s!["name"]!.GetValue<string>())];

    public static TheoryData<string> SecretsWhenConfigured() =>
        [.. Required["secretsWhenConfigured"]!.AsArray().Select(s => s!["name"]!.GetValue<string>())];

    [Theory]
    [MemberData(nameof(RequiredSettings))]
    public void Template_always_supplies_the_setting_the_app_validates_at_start(string setting)
    {
        var (always, _) = CompiledTemplate.AppSettings(bicep.RequireTemplate());
        always.Should().ContainKey(setting, "the Functions app refuses to start without it");
        always[setting].Should().NotBe("''", "an empty value fails the app's validation just like a missing one");
    }

    [Theory]
    [MemberData(nameof(RequiredSettings))]
    public void Secret_settings_are_key_vault_references(string setting)
    {
        var entry = Required["settings"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == setting)!;
        var (always, _) = CompiledTemplate.AppSettings(bicep.RequireTemplate());
        var secret = always.TryGetValue(setting, out var value) ? CompiledTemplate.KeyVaultSecretName(bicep.RequireTemplate(), value) : null;
        if (entry["secret"]!.GetValue<bool>())
        {
            secret.Should().NotBeNull($"{setting} is a secret: a Key Vault reference, never the value");
        }
        else
        {
            secret.Should().BeNull($"{setting} is not a secret");
        }
    }

    [Theory]
    [MemberData(nameof(SecretsWhenConfigured))]
    public void Optional_secret_is_a_key_vault_reference_when_configured(string setting)
    {
        var (_, conditional) = CompiledTemplate.AppSettings(bicep.RequireTemplate());
        conditional.Should().ContainKey(setting);
        CompiledTemplate.KeyVaultSecretName(bicep.RequireTemplate(), conditional[setting]).Should().NotBeNull();
    }

    [Fact]
    public void The_required_list_names_each_setting_once()
    {
        var names = Required["settings"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        names.Should().OnlyHaveUniqueItems().And.HaveCountGreaterThan(10);
    }
}
