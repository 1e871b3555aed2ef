using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PrivateFlows.Infrastructure.Tests.Support;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>The secrets live in the template's Key Vault and reach the app as Key Vault references only.</summary>
[Collection(BicepCollection.Name)]
public sealed partial class SecretsTests(BicepFixture bicep)
{
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    private JsonObject Template => bicep.RequireTemplate();

    [Fact]
    public void Key_vault_is_created_with_azure_rbac_and_soft_delete()
    {
        var vault = ArmTemplate.Single(Template, "Microsoft.KeyVault/vaults");
        vault.Properties["enableRbacAuthorization"]!.GetValue<bool>().Should().BeTrue();
        vault.Properties["enableSoftDelete"]!.GetValue<bool>().Should().BeTrue();
        vault.Properties.Should().NotContainKey("accessPolicies", "access is Azure RBAC only");
        ArmTemplate.ModuleParameter(Template, "keyvault", "enablePurgeProtection").Should().Be("[not(variables('isDevelopment'))]");
    }

    [Theory]
    [InlineData("producer-api-key", "producerApiKey")]
    [InlineData("marketer-api-key", "marketerApiKey")]
    [InlineData("ops-api-key", "opsApiKey")]
    [InlineData("webhook-secret", "webhookSecret")]
    [InlineData("smtp-username", "smtpUserName")]
    [InlineData("smtp-password", "smtpPassword")]
    public void Secret_is_stored_in_the_vault_from_a_secure_parameter(string secret, string parameter)
    {
        var stored = SecretResources().Should().ContainKey(secret).WhoseValue;
        stored.Properties["value"]!.GetValue<string>().Should().Be($"[parameters('{parameter}')]");
        CompiledTemplate.ModuleTemplate(Template, "keyvault")["parameters"]![parameter]!["type"]!.GetValue<string>().Should().Be("securestring");
        Template["parameters"]![parameter]!["type"]!.GetValue<string>().Should().Be("securestring");
        ArmTemplate.ModuleParameter(Template, "keyvault", parameter).Should().Be($"[parameters('{parameter}')]");
    }

    [Theory]
    [InlineData("producerApiKey")]
    [InlineData("marketerApiKey")]
    [InlineData("opsApiKey")]
    [InlineData("webhookSecret")]
    public void Azd_generates_each_key_once_per_environment(string parameter)
    {
        var node = Template["parameters"]![parameter]!;
        node["defaultValue"].Should().BeNull("a default would be the same key everywhere, or a new one on every deployment");
        node["metadata"]!["azd"]!["type"]!.GetValue<string>().Should().Be("generate");
        node["metadata"]!["azd"]!["config"]!["length"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(32);
    }

    [Fact]
    public void Every_secret_setting_is_a_key_vault_reference_to_a_secret_the_vault_holds()
    {
        var (always, conditional) = CompiledTemplate.AppSettings(Template);
        var secrets = SecretResources();
        var offenders = new List<string>();
        foreach (var (name, value) in always.Concat(conditional))
        {
            if (!SecretName().IsMatch(name) || name == "APPLICATIONINSIGHTS_CONNECTION_STRING")
            {
                continue;
            }

            var secret = CompiledTemplate.KeyVaultSecretName(Template, value);
            if (secret is null || !secrets.ContainsKey(secret))
            {
                offenders.Add($"{name} = {value}");
            }
        }

        offenders.Should().BeEmpty();
        always.Keys.Concat(conditional.Keys).Where(k => SecretName().IsMatch(k)).Should().Contain(
            ["PrivateFlows__ApiKeys__Producer__0", "PrivateFlows__Channels__Webhook__Secret", "PrivateFlows__Channels__Smtp__Password"]);
    }

    [Fact]
    public void Smtp_settings_exist_exactly_when_their_secrets_do()
    {
        var (always, conditional) = CompiledTemplate.AppSettings(Template);
        always.Keys.Should().NotContain(k => k.StartsWith("PrivateFlows__Channels__Smtp__", StringComparison.Ordinal),
            "a reference to a secret that was never stored would hand the app the reference text");
        conditional.Keys.Should().BeEquivalentTo("PrivateFlows__Channels__Smtp__UserName", "PrivateFlows__Channels__Smtp__Password");
        ArmTemplate.ModuleParameter(Template, "functionapp", "smtpConfigured").Should().Be("[not(empty(parameters('smtpUserName')))]");
        SecretResources()["smtp-password"].Node["condition"]!.GetValue<string>().Should().Be("[not(empty(parameters('smtpUserName')))]");
    }

    [Fact]
    public void App_identity_holds_key_vault_secrets_user_and_nothing_else_on_the_vault()
    {
        var onVault = CompiledTemplate.RoleAssignments(Template)
            .Where(a => a.Node["scope"]?.GetValue<string>().Contains("Microsoft.KeyVault/vaults", StringComparison.Ordinal) == true)
            .Where(a => CompiledTemplate.PrincipalOf(a) == "[parameters('appPrincipalId')]")
            .ToList();
        onVault.Should().ContainSingle();
        CompiledTemplate.RoleGuid(Template, onVault[0]).Should().Be(KeyVaultSecretsUser);
    }

    [Fact]
    public void No_app_setting_or_output_carries_a_secret()
    {
        var (always, conditional) = CompiledTemplate.AppSettings(Template);
        var offenders = always.Concat(conditional)
            .Where(s => LooksSecret(s.Value) && CompiledTemplate.KeyVaultSecretName(Template, s.Value) is null)
            .Select(s => $"app setting {s.Key} = {s.Value}")
            .ToList();

        foreach (var (name, output) in Template["outputs"]!.AsObject())
        {
            var value = output!.ToJsonString();
            // KEY_VAULT_NAME names the vault; it is not a key.
            if (LooksSecret(value) || (SecretName().IsMatch(name) && name != "KEY_VAULT_NAME"))
            {
                offenders.Add($"output {name} = {value}");
            }
        }

        offenders.Should().BeEmpty();
    }

    [Fact]
    public void Nothing_reads_keys_or_connection_strings_from_any_resource()
    {
        var text = Template.ToJsonString();
        ListCall().Matches(text).Select(m => m.Value).Should().BeEmpty("no list*() call may pull keys or connection strings");
        text.Should().NotContainAny("AccountKey=", "SharedAccessKey", "primaryMasterKey", "primaryKey");
    }

    private Dictionary<string, ArmResource> SecretResources() =>
        ArmTemplate.OfType(Template, "Microsoft.KeyVault/vaults/secrets")
            .ToDictionary(s => SecretResourceName().Match(s.Name).Groups[1].Value, StringComparer.Ordinal);

    private static bool LooksSecret(string value) =>
        ListCall().IsMatch(value)
        || value.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("SharedAccessKey", StringComparison.OrdinalIgnoreCase)
        || value.Contains("SharedAccessSignature", StringComparison.OrdinalIgnoreCase)
        || value.Contains("password", StringComparison.OrdinalIgnoreCase)
        || value.Contains("primaryMasterKey", StringComparison.OrdinalIgnoreCase)
        || value.Contains(".primaryKey", StringComparison.OrdinalIgnoreCase)
        || value.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || value.Contains("ApiKey", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.CultureInvariant)]
    private static partial Regex ListCall();

    [GeneratedRegex("(?i)(key|secret|password|token|connection_?string|connectionstring|username)", RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    /// <summary>[format('{0}/{1}', parameters('name'), 'ops-api-key')] -> ops-api-key.</summary>
    [GeneratedRegex(@"'([a-z0-9-]+)'\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretResourceName();
}
