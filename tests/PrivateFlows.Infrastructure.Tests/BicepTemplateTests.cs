using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PrivateFlows.Infrastructure.Tests.Support;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>infra/main.bicep compiles and lints cleanly, and the compiled ARM template says what issue 6 asks for.</summary>
[Collection(BicepCollection.Name)]
public sealed partial class BicepTemplateTests(BicepFixture bicep)
{
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
    public void Subscription_journeys_requires_sessions_and_dead_letters()
    {
        Template["variables"]!["subscriptionName"]!.GetValue<string>().Should().Be("journeys");
        var subscription = ArmTemplate.Single(Template, "Microsoft.ServiceBus/namespaces/topics/subscriptions");
        subscription.Properties["requiresSession"]!.GetValue<bool>().Should().BeTrue();
        subscription.Properties["deadLetteringOnMessageExpiration"]!.GetValue<bool>().Should().BeTrue();
        subscription.Properties["maxDeliveryCount"]!.ToJsonString().Should().Contain("maxDeliveryCount",
            "the delivery count is a parameter");
        Template["parameters"]!["maxDeliveryCount"]!["defaultValue"]!.GetValue<int>().Should().BeInRange(3, 20);
    }

    [Fact]
    public void Cosmos_account_is_serverless_with_local_auth_disabled()
    {
        var account = ArmTemplate.Single(Template, "Microsoft.DocumentDB/databaseAccounts");
        account.Properties["disableLocalAuth"]!.GetValue<bool>().Should().BeTrue();
        account.Properties["disableKeyBasedMetadataWriteAccess"]!.GetValue<bool>().Should().BeTrue();
        account.Properties["capabilities"]!.ToJsonString().Should().Contain("EnableServerless");
    }

    [Theory]
    [InlineData("customers", "/customerId")]
    [InlineData("history", "/customerId")]
    [InlineData("timers", "/bucket")]
    [InlineData("journeys", "/name")]
    [InlineData("poison", "/customerId")]
    public void Cosmos_container_exists_with_its_partition_key(string container, string partitionKey)
    {
        var containers = ArmTemplate.OfType(Template, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
        var match = containers.Where(c => c.Properties["resource"]?["id"]?.GetValue<string>() == container).ToList();
        match.Should().ContainSingle($"container {container} should be declared once");
        var paths = match[0].Properties["resource"]!["partitionKey"]!["paths"]!.AsArray().Select(p => p!.GetValue<string>());
        paths.Should().Equal(partitionKey);
    }

    [Fact]
    public void Host_storage_allows_no_shared_keys()
    {
        var storage = ArmTemplate.Single(Template, "Microsoft.Storage/storageAccounts");
        storage.Properties["allowSharedKeyAccess"]!.GetValue<bool>().Should().BeFalse();
        storage.Properties["allowBlobPublicAccess"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void Function_app_is_a_linux_custom_handler_on_flex_consumption()
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
            "Key Vault references for the API keys resolve as the user-assigned identity");
        var config = site.Properties["functionAppConfig"]!;
        config["runtime"]!["name"]!.GetValue<string>().Should().Be("custom");
        config["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>().Should().Be("UserAssignedIdentity");

        site.Node["tags"]!.ToJsonString().Should().Contain("azd-service-name");
        ArmTemplate.ModuleParameter(Template, "functionapp", "serviceName").Should().Be("api");
    }

    [Fact]
    public void Connections_are_identity_based_through_the_user_assigned_identity()
    {
        var settings = AppSettings();
        foreach (var connection in new[] { "AzureWebJobsStorage", "ServiceBusConnection" })
        {
            settings.Should().ContainKey($"{connection}__credential").WhoseValue.Should().Be("managedidentity");
            settings.Should().ContainKey($"{connection}__clientId").WhoseValue.Should().Contain("identityClientId");
            settings.Should().NotContainKey(connection, "a bare connection setting would be a connection string");
        }

        settings.Should().ContainKey("AzureWebJobsStorage__accountName");
        settings.Should().ContainKey("ServiceBusConnection__fullyQualifiedNamespace");
        settings.Should().ContainKey("AZURE_CLIENT_ID").WhoseValue.Should().Contain("identityClientId");
        settings.Should().ContainKey("PrivateFlows__Store").WhoseValue.Should().Be("Cosmos");
        settings.Should().ContainKey("PrivateFlows__Cosmos__CreateContainers").WhoseValue.Should().Be("false",
            "data-plane RBAC cannot create containers; infra creates them");

        // Flex Consumption takes the runtime from functionAppConfig and rejects these app settings.
        settings.Should().NotContainKeys("FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE");
    }

    [Fact]
    public void No_app_setting_or_output_carries_a_secret()
    {
        var offenders = new List<string>();
        foreach (var (name, value) in AppSettings())
        {
            if (LooksSecret(value))
            {
                offenders.Add($"app setting {name} = {value}");
            }

            var isAppInsightsLocator = name == "APPLICATIONINSIGHTS_CONNECTION_STRING"
                && value.Contains("Microsoft.Insights/components", StringComparison.Ordinal)
                && value.EndsWith(".ConnectionString]", StringComparison.Ordinal);
            if (SecretName().IsMatch(name) && !isAppInsightsLocator)
            {
                offenders.Add($"app setting {name} looks like it holds a secret");
            }
        }

        foreach (var (name, output) in Template["outputs"]!.AsObject())
        {
            var value = output!.ToJsonString();
            if (LooksSecret(value) || SecretName().IsMatch(name))
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

    [Fact]
    public void Outputs_are_endpoints_and_locations_only()
    {
        Template["outputs"]!.AsObject().Select(o => o.Key).Should().BeEquivalentTo(
            "AZURE_LOCATION",
            "AZURE_RESOURCE_GROUP",
            "API_BASE_URL",
            "SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE",
            "SERVICE_BUS_TOPIC",
            "SERVICE_BUS_SUBSCRIPTION",
            "COSMOS_ENDPOINT",
            "COSMOS_DATABASE");
    }

    [Theory]
    [InlineData("4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "Microsoft.ServiceBus/namespaces", "Azure Service Bus Data Receiver")]
    [InlineData("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "Microsoft.ServiceBus/namespaces", "Azure Service Bus Data Sender")]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts", "Storage Blob Data Owner")]
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts", "Storage Queue Data Contributor")]
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts", "Storage Table Data Contributor")]
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components", "Monitoring Metrics Publisher")]
    public void App_identity_holds_role(string roleDefinitionGuid, string scopeType, string roleName)
    {
        var assignments = ArmTemplate.OfType(Template, "Microsoft.Authorization/roleAssignments")
            .Where(a => a.Properties["roleDefinitionId"]!.GetValue<string>().Contains(roleDefinitionGuid, StringComparison.Ordinal))
            .Where(a => a.Properties["principalId"]!.GetValue<string>() == "[parameters('appPrincipalId')]")
            .ToList();

        assignments.Should().ContainSingle($"the app identity should hold {roleName} exactly once");
        var assignment = assignments[0];
        assignment.Properties["roleDefinitionId"]!.GetValue<string>().Should().Contain("Microsoft.Authorization/roleDefinitions");
        assignment.Properties["principalType"]!.GetValue<string>().Should().Be("ServicePrincipal");
        assignment.Node["scope"]!.GetValue<string>().Should().Contain(scopeType, $"{roleName} is scoped to the {scopeType}");
        ArmTemplate.ModuleParameter(Template, assignment.Module, "appPrincipalId").Should()
            .Contain("'identity'").And.Contain("principalId", "the module's appPrincipalId is the managed identity's principal");
    }

    [Fact]
    public void App_identity_is_cosmos_built_in_data_contributor_through_a_sql_role_assignment()
    {
        var assignments = ArmTemplate.OfType(Template, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")
            .Where(a => a.Properties["principalId"]!.GetValue<string>() == "[parameters('appPrincipalId')]")
            .ToList();
        assignments.Should().ContainSingle();
        assignments[0].Properties["roleDefinitionId"]!.GetValue<string>()
            .Should().Contain("/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002");
        ArmTemplate.ModuleParameter(Template, assignments[0].Module, "appPrincipalId").Should().Contain("'identity'");
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

    private Dictionary<string, string> AppSettings()
    {
        var config = ArmTemplate.OfType(Template, "Microsoft.Web/sites/config")
            .Single(c => c.Name.Contains("'appsettings'", StringComparison.Ordinal));
        return config.Properties.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
    }

    private static bool LooksSecret(string value) =>
        ListCall().IsMatch(value)
        || value.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("SharedAccessKey", StringComparison.OrdinalIgnoreCase)
        || value.Contains("SharedAccessSignature", StringComparison.OrdinalIgnoreCase)
        || value.Contains("password", StringComparison.OrdinalIgnoreCase)
        || value.Contains("primaryMasterKey", StringComparison.OrdinalIgnoreCase)
        || value.Contains(".primaryKey", StringComparison.OrdinalIgnoreCase)
        || value.Contains("secret", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.CultureInvariant)]
    private static partial Regex ListCall();

    [GeneratedRegex("(?i)(key|secret|password|token|connection_?string|connectionstring)", RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
