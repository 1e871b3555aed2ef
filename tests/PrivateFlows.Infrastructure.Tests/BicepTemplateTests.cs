using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PrivateFlows.Infrastructure.Tests.Support;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>infra/main.bicep compiles and lints cleanly, and the compiled ARM template hosts what issue 16 asks for.</summary>
[Collection(BicepCollection.Name)]
public sealed partial class BicepTemplateTests(BicepFixture bicep)
{
    /// <summary>Linter rules that are off unless bicepconfig.json switches them on.</summary>
    private static readonly string[] OptionalLinterRules =
    [
        "explicit-values-for-loc-params",
        "no-hardcoded-location",
        "no-loc-expr-outside-params",
        "use-recent-api-versions",
        "use-recent-module-versions",
        "use-user-defined-types",
        "what-if-short-circuiting",
    ];

    private JsonObject Template => bicep.RequireTemplate();

    [Fact]
    public void Bicep_build_succeeds_with_no_errors_and_no_warnings()
    {
        bicep.Build.ExitCode.Should().Be(0, bicep.Build.ToString());
        bicep.BuildDiagnostics.Should().BeEmpty("bicep build must be clean:{0}{1}", Environment.NewLine,
            string.Join(Environment.NewLine, bicep.BuildDiagnostics));
        bicep.Template.Should().NotBeNull();
    }

    [Fact]
    public void Bicep_lint_reports_no_errors_and_no_warnings()
    {
        bicep.Lint.ExitCode.Should().Be(0, bicep.Lint.ToString());
        bicep.LintDiagnostics.Should().BeEmpty("bicep lint must be clean:{0}{1}", Environment.NewLine,
            string.Join(Environment.NewLine, bicep.LintDiagnostics));
    }

    [Fact]
    public void Linter_config_switches_every_rule_on_including_the_optional_ones()
    {
        var rules = Repo.ReadJson("infra", "bicepconfig.json")["analyzers"]!["core"]!["rules"]!.AsObject();
        rules.Select(r => r.Key).Should().Contain(OptionalLinterRules);
        rules.Where(r => r.Value!["level"]!.GetValue<string>() is not ("warning" or "error"))
            .Select(r => r.Key).Should().BeEmpty("a rule may only be relaxed in place, with #disable-next-line and a reason");
    }

    [Fact]
    public void Every_lint_suppression_says_why_on_the_line_above()
    {
        var unjustified = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Repo.PathOf("infra"), "*.bicep", SearchOption.AllDirectories))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("#disable", StringComparison.Ordinal)
                    && (i == 0 || !lines[i - 1].TrimStart().StartsWith("//", StringComparison.Ordinal)))
                {
                    unjustified.Add($"{Path.GetFileName(file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        unjustified.Should().BeEmpty();
    }

    [Fact]
    public void Template_targets_the_subscription_and_creates_an_azd_resource_group()
    {
        Template["$schema"]!.GetValue<string>().Should().Contain("subscriptionDeploymentTemplate");
        var parameters = Template["parameters"]!.AsObject();
        parameters.Select(p => p.Key).Should().Contain(["environmentName", "location"]);

        var rg = ArmTemplate.Single(Template, "Microsoft.Resources/resourceGroups");
        rg.Name.Should().Contain("environmentName");
        rg.Node["tags"]!.GetValue<string>().Should().Be("[variables('tags')]");
        Template["variables"]!["tags"]!["azd-env-name"]!.GetValue<string>().Should().Be("[parameters('environmentName')]");
    }

    [Fact]
    public void Function_app_runs_the_dotnet_10_isolated_worker_on_flex_consumption()
    {
        var plan = ArmTemplate.Single(Template, "Microsoft.Web/serverfarms");
        plan.Node["sku"]!["tier"]!.GetValue<string>().Should().Be("FlexConsumption");
        plan.Node["sku"]!["name"]!.GetValue<string>().Should().Be("FC1");
        plan.Properties["reserved"]!.GetValue<bool>().Should().BeTrue("Flex Consumption is Linux");

        var site = ArmTemplate.Single(Template, "Microsoft.Web/sites");
        site.Node["kind"]!.GetValue<string>().Should().Be("functionapp,linux");
        site.Node["identity"]!["type"]!.GetValue<string>().Should().Be("UserAssigned");
        site.Properties["httpsOnly"]!.GetValue<bool>().Should().BeTrue();
        site.Properties["keyVaultReferenceIdentity"]!.GetValue<string>().Should().Be("[parameters('identityId')]",
            "Key Vault references resolve as the user-assigned identity");
        var config = site.Properties["functionAppConfig"]!;
        config["runtime"]!["name"]!.GetValue<string>().Should().Be("dotnet-isolated");
        config["runtime"]!["version"]!.GetValue<string>().Should().Be("[parameters('dotnetVersion')]");
        CompiledTemplate.ModuleTemplate(Template, "functionapp")["parameters"]!["dotnetVersion"]!["defaultValue"]!
            .GetValue<string>().Should().Be("10.0", "the project targets net10.0, which Flex Consumption runs (dotnet-isolated 10.0)");
        config["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>().Should().Be("UserAssignedIdentity");

        site.Node["tags"]!.ToJsonString().Should().Contain("azd-service-name");
        ArmTemplate.ModuleParameter(Template, "functionapp", "serviceName").Should().Be("api");
    }

    [Fact]
    public void Durable_functions_use_the_azure_storage_backend_through_the_identity()
    {
        var (settings, _) = CompiledTemplate.AppSettings(Template);
        settings.Should().ContainKey("AzureWebJobsStorage__accountName");
        settings.Should().ContainKey("AzureWebJobsStorage__credential").WhoseValue.Should().Be("'managedidentity'");
        settings.Should().ContainKey("AzureWebJobsStorage__clientId").WhoseValue.Should().Contain("identityClientId");
        settings.Should().NotContainKey("AzureWebJobsStorage", "a bare connection setting would be a connection string");
        settings.Should().NotContainKey("DURABLE_TASK_SCHEDULER_CONNECTION_STRING", "the task hub lives in the storage account, not in Durable Task Scheduler");

        var storage = ArmTemplate.Single(Template, "Microsoft.Storage/storageAccounts");
        storage.Properties["allowSharedKeyAccess"]!.GetValue<bool>().Should().BeFalse();
        storage.Properties["allowBlobPublicAccess"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void Connections_are_identity_based_through_the_user_assigned_identity()
    {
        var (settings, _) = CompiledTemplate.AppSettings(Template);
        settings.Should().ContainKey("ServiceBusConnection__fullyQualifiedNamespace");
        settings.Should().ContainKey("ServiceBusConnection__credential").WhoseValue.Should().Be("'managedidentity'");
        settings.Should().ContainKey("ServiceBusConnection__clientId").WhoseValue.Should().Contain("identityClientId");
        settings.Should().NotContainKey("ServiceBusConnection");
        settings.Should().ContainKey("AZURE_CLIENT_ID").WhoseValue.Should().Contain("identityClientId");
        settings.Should().ContainKey("PrivateFlows__Cosmos__CreateContainers").WhoseValue.Should().Be("'false'",
            "data-plane RBAC cannot create containers; infra creates them");

        // Flex Consumption takes the runtime from functionAppConfig and rejects these app settings.
        settings.Should().NotContainKeys("FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE");
    }

    [Fact]
    public void Service_bus_namespace_disables_local_auth()
    {
        var ns = ArmTemplate.Single(Template, "Microsoft.ServiceBus/namespaces");
        ns.Properties["disableLocalAuth"]!.GetValue<bool>().Should().BeTrue();
        ns.Node["sku"]!["name"]!.GetValue<string>().Should().BeOneOf("Standard", "Premium"); // topics need Standard+
    }

    [Fact]
    public void Topic_customer_events_detects_duplicates_for_ten_minutes()
    {
        Template["variables"]!["topicName"]!.GetValue<string>().Should().Be("customer-events");
        var topic = ArmTemplate.Single(Template, "Microsoft.ServiceBus/namespaces/topics");
        topic.Properties["requiresDuplicateDetection"]!.GetValue<bool>().Should().BeTrue();
        topic.Properties["duplicateDetectionHistoryTimeWindow"]!.GetValue<string>().Should().Be("PT10M");
    }

    [Fact]
    public void Subscription_journeys_requires_sessions_and_keeps_its_dead_letters()
    {
        Template["variables"]!["subscriptionName"]!.GetValue<string>().Should().Be("journeys");
        var subscription = ArmTemplate.Single(Template, "Microsoft.ServiceBus/namespaces/topics/subscriptions");
        subscription.Properties["requiresSession"]!.GetValue<bool>().Should().BeTrue();
        subscription.Properties["deadLetteringOnMessageExpiration"]!.GetValue<bool>().Should().BeTrue();
        subscription.Properties["deadLetteringOnFilterEvaluationExceptions"]!.GetValue<bool>().Should().BeTrue();
        subscription.Properties.Should().NotContainKey("forwardDeadLetteredMessagesTo",
            "ops read and requeue dead letters from the subscription's own dead-letter queue");
        subscription.Properties["maxDeliveryCount"]!.ToJsonString().Should().Contain("maxDeliveryCount",
            "the delivery count is a parameter");
        Template["parameters"]!["maxDeliveryCount"]!["defaultValue"]!.GetValue<int>().Should().BeInRange(3, 20);
    }

    [Fact]
    public void Only_customer_events_travel_service_bus()
    {
        // One topic, one subscription, and the app's own poison queue: timers and control commands are not Service Bus
        // messages (Durable timers and the Durable client, in the task hub), so a producer cannot forge one.
        ArmTemplate.OfType(Template, "Microsoft.ServiceBus/namespaces/topics").Should().ContainSingle();
        ArmTemplate.OfType(Template, "Microsoft.ServiceBus/namespaces/topics/subscriptions").Should().ContainSingle();
        var poison = ArmTemplate.OfType(Template, "Microsoft.ServiceBus/namespaces/queues").Should().ContainSingle().Subject;
        ArmTemplate.ModuleParameter(Template, "servicebus", "poisonQueueName").Should().BeNull("the queue keeps the name the app defaults to (PrivateFlows:ServiceBus:PoisonQueue)");
        CompiledTemplate.ModuleTemplate(Template, "servicebus")["parameters"]!["poisonQueueName"]!["defaultValue"]!.GetValue<string>().Should().Be("customer-events-poison");
        poison.Properties["requiresSession"]!.GetValue<bool>().Should().BeFalse();
        CompiledTemplate.AppSettings(Template).Always.Should().ContainKey("PrivateFlows__ServiceBus__PoisonQueue");
        ArmTemplate.OfType(Template, "Microsoft.ServiceBus/namespaces/topics/subscriptions").Single()
            .Properties.Should().NotContainKey("forwardTo");
    }

    [Fact]
    public void Cosmos_account_is_serverless_entra_only_with_continuous_backup()
    {
        var account = ArmTemplate.Single(Template, "Microsoft.DocumentDB/databaseAccounts");
        account.Properties["disableLocalAuth"]!.GetValue<bool>().Should().BeTrue();
        account.Properties["disableKeyBasedMetadataWriteAccess"]!.GetValue<bool>().Should().BeTrue();
        account.Properties["capabilities"]!.ToJsonString().Should().Contain("EnableServerless");
        account.Properties["backupPolicy"]!["type"]!.GetValue<string>().Should().Be("Continuous");
    }

    [Fact]
    public void Cosmos_containers_are_the_apps_own_with_its_partition_keys_and_indexing_policy()
    {
        // containers.json is the one source: the app creates containers from it locally, Bicep loads it.
        var app = JsonNode.Parse(Repo.ReadText("functions", "PrivateFlows.Runtime.Cosmos", "containers.json"))!.AsObject()
            .Where(p => !p.Key.StartsWith('$'))
            .ToDictionary(p => p.Key, p => p.Value!);
        var declared = CosmosContainers();
        declared.Select(c => c.Name).Should().BeEquivalentTo(app.Keys, "every read-model container, and no engine container (timers, poison, journeys)");
        foreach (var (name, definition, _) in declared)
        {
            JsonNode.DeepEquals(definition["partitionKey"], app[name]["partitionKey"]).Should().BeTrue($"container {name} keeps the app's partition key");
            JsonNode.DeepEquals(definition["indexingPolicy"], app[name]["indexingPolicy"]).Should().BeTrue($"container {name} keeps the app's indexing policy, which the RU cost model assumes");
        }

        var container = ArmTemplate.Single(Template, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
        container.Node["copy"]!["count"]!.GetValue<string>().Should().Contain("variables('containers')");
        var resource = container.Properties["resource"]!.GetValue<string>();
        resource.Should().Contain("'indexingPolicy', variables('containers')[copyIndex()].definition.indexingPolicy");
        resource.Should().Contain("'partitionKey', createObject('paths', createArray(variables('containers')[copyIndex()].definition.partitionKey)");
        resource.Should().Contain("'defaultTtl', variables('containers')[copyIndex()].ttl");
    }

    [Fact]
    public void History_expires_after_the_retention_parameter_and_nothing_else_does()
    {
        var ttl = CosmosContainers().ToDictionary(c => c.Name, c => c.Ttl);
        ttl["history"].Should().Be("[variables('retentionSeconds')]");
        ttl.Where(t => t.Key != "history").Select(t => t.Value).Should().OnlyContain(v => v == null);

        CompiledTemplate.Variable(Template, "cosmos", "retentionSeconds")!.GetValue<string>()
            .Should().Be("[mul(mul(mul(parameters('retentionDays'), 24), 60), 60)]");
        ArmTemplate.ModuleParameter(Template, "cosmos", "retentionDays").Should().Be("[parameters('retentionDays')]");
        Template["parameters"]!["retentionDays"]!["defaultValue"]!.GetValue<int>().Should().BePositive();
    }

    [Fact]
    public void Every_resource_in_the_resource_group_is_tagged_with_the_environment()
    {
        var untagged = ArmTemplate.AllResources(Template)
            .Where(r => r.Module != "main")
            .Where(r => r.Node["location"] is not null) // tracked (top-level) resources carry tags
            .Where(r => r.Node["tags"] is null)
            .Select(r => r.ToString())
            .ToList();
        untagged.Should().BeEmpty();
    }

    /// <summary>The containers the cosmos module declares, each definition resolved from the JSON it loaded.</summary>
    private List<(string Name, JsonNode Definition, string? Ttl)> CosmosContainers()
    {
        // loadJsonContent compiles to a variable holding the file ('$fxv#0') that 'definitions' points at.
        var module = CompiledTemplate.ModuleTemplate(Template, "cosmos")["variables"]!;
        var loaded = module[VariableReference().Match(module["definitions"]!.GetValue<string>()).Groups["name"].Value]!;
        return module["containers"]!.AsArray()
            .Select(c => (
                c!["name"]!.GetValue<string>(),
                loaded[DefinitionReference().Match(c["definition"]!.GetValue<string>()).Groups["name"].Value]!,
                c["ttl"]?.GetValue<string>()))
            .ToList();
    }

    [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[variables\('definitions'\)\.(?<name>\w+)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex DefinitionReference();
}
