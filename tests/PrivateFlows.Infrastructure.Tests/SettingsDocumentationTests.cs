using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PrivateFlows.Infrastructure.Tests.Support;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>
/// Every setting the Functions host or the app reads is in local.settings.example.json with a safe
/// placeholder and explained in docs/deploy-azure.md.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed partial class SettingsDocumentationTests(BicepFixture bicep)
{
    /// <summary>Set by infra only: they describe the Azure managed identity, not a laptop.</summary>
    private static readonly string[] AzureOnlySettings =
    [
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "ServiceBusConnection__credential",
        "ServiceBusConnection__clientId",
        "AZURE_CLIENT_ID",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ];

    private static readonly JsonObject LocalSettings = Repo.ReadJson("local.settings.example.json")["Values"]!.AsObject();

    private static readonly string Docs = Repo.ReadText("docs", "deploy-azure.md");

    [Fact]
    public void Every_app_setting_infra_sets_is_a_local_setting_or_a_documented_azure_only_setting()
    {
        var (always, conditional) = CompiledTemplate.AppSettings(bicep.RequireTemplate());
        always.Should().NotBeEmpty();
        var unexplained = always.Keys.Concat(conditional.Keys)
            .Where(name => !LocalSettings.ContainsKey(name) && !AzureOnlySettings.Contains(name))
            .ToList();
        unexplained.Should().BeEmpty();
    }

    [Fact]
    public void Every_setting_has_a_line_in_the_docs()
    {
        // The first cell of each table row names the setting(s) it explains.
        var documented = Docs.Split('\n')
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(line => DocumentedSetting().Matches(line.Split('|')[1]).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        LocalSettings.Select(p => p.Key).Concat(AzureOnlySettings)
            .Where(name => !documented.Contains(name))
            .Should().BeEmpty("docs/deploy-azure.md explains each setting in a table row");
    }

    [Fact]
    public void The_settings_the_app_reads_are_all_there()
    {
        LocalSettings.Select(p => p.Key).Should().Contain(
        [
            "FUNCTIONS_WORKER_RUNTIME",
            "AzureWebJobsStorage__accountName",
            "ServiceBusConnection__fullyQualifiedNamespace",
            "APPLICATIONINSIGHTS_CONNECTION_STRING",
            "OTEL_SERVICE_NAME",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "PrivateFlows__Store",
            "PrivateFlows__Sqlite__Path",
            "PrivateFlows__Cosmos__Endpoint",
            "PrivateFlows__Cosmos__Database",
            "PrivateFlows__Cosmos__CreateContainers",
            "PrivateFlows__ServiceBus__Topic",
            "PrivateFlows__Channels__Webhook__Secret",
            "PrivateFlows__Channels__Smtp__Host",
            "PrivateFlows__Channels__Smtp__Port",
            "PrivateFlows__Channels__Smtp__From",
            "PrivateFlows__Channels__WeCom__WebhookUrl",
        ]);
        LocalSettings.Select(p => p.Key).Should().Contain(k => k.StartsWith("PrivateFlows__ApiKeys__", StringComparison.Ordinal) && k.EndsWith("__0", StringComparison.Ordinal));
        LocalSettings["PrivateFlows__Store"]!.GetValue<string>().Should().BeOneOf("Sqlite", "Cosmos");
    }

    [Fact]
    public void Local_settings_example_holds_no_secret()
    {
        var offenders = new List<string>();
        foreach (var (name, node) in LocalSettings)
        {
            var value = node!.GetValue<string>();
            var placeholder = value.Length == 0 || (value.StartsWith('<') && value.EndsWith('>'));
            if (SecretSettingName().IsMatch(name) && name != "APPLICATIONINSIGHTS_CONNECTION_STRING" && !placeholder)
            {
                offenders.Add($"{name} = {value} (must be empty or a <placeholder>)");
            }

            if (value.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase)
                || value.Contains("SharedAccessKey", StringComparison.OrdinalIgnoreCase)
                || value.Contains("InstrumentationKey=", StringComparison.OrdinalIgnoreCase))
            {
                offenders.Add($"{name} carries a key");
            }
        }

        offenders.Should().BeEmpty();
    }

    /// <summary>A setting name in backticks.</summary>
    [GeneratedRegex(@"`([A-Za-z0-9_]+(?:__[A-Za-z0-9_]+)*)`", RegexOptions.CultureInvariant)]
    private static partial Regex DocumentedSetting();

    [GeneratedRegex("(?i)(key|secret|password|token|connection_?string|webhookurl|apikeys)", RegexOptions.CultureInvariant)]
    private static partial Regex SecretSettingName();
}
