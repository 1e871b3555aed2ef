using System.Text.Json.Nodes;
using PrivateFlows.Infrastructure.Tests.Support;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>Telemetry lands in Application Insights, four alerts watch it, and one workbook shows the journeys.</summary>
[Collection(BicepCollection.Name)]
public sealed class ObservabilityTests(BicepFixture bicep)
{
    private JsonObject Template => bicep.RequireTemplate();

    [Fact]
    public void Telemetry_goes_to_application_insights_with_entra_id_ingestion()
    {
        var insights = ArmTemplate.Single(Template, "Microsoft.Insights/components");
        insights.Properties["WorkspaceResourceId"].Should().NotBeNull("workspace-based, so alerts and the workbook query one workspace");
        insights.Properties["DisableLocalAuth"]!.GetValue<string>().Should().Be("[parameters('disableLocalAuth')]");
        Template["parameters"]!["appInsightsDisableLocalAuth"]!["defaultValue"]!.GetValue<bool>().Should().BeTrue();

        var (settings, _) = CompiledTemplate.AppSettings(Template);
        settings.Should().ContainKey("APPLICATIONINSIGHTS_CONNECTION_STRING");
        settings.Should().ContainKey("APPLICATIONINSIGHTS_AUTHENTICATION_STRING").WhoseValue.Should().Contain("Authorization=AAD");
        settings.Should().ContainKey("OTEL_SERVICE_NAME");
    }

    [Fact]
    public void Poison_queue_alert_fires_on_the_first_message_set_aside()
    {
        var alert = ArmTemplate.OfType(Template, "Microsoft.Insights/metricAlerts").Single(a => a.Name.Contains("poison-queue", StringComparison.Ordinal));
        var criterion = alert.Properties["criteria"]!["allOf"]![0]!;
        criterion["metricName"]!.GetValue<string>().Should().Be("ActiveMessages");
        criterion["operator"]!.GetValue<string>().Should().Be("GreaterThan");
        criterion["threshold"]!.GetValue<int>().Should().Be(0);
        criterion["dimensions"]![0]!["values"]![0]!.GetValue<string>().Should().Be("[parameters('poisonQueueName')]");
        alert.Properties["actions"]![0]!["actionGroupId"].Should().NotBeNull();
    }

    [Fact]
    public void Dead_letters_alert_fires_on_the_first_one()
    {
        var alert = ArmTemplate.OfType(Template, "Microsoft.Insights/metricAlerts").Single(a => a.Name.Contains("dead-letters", StringComparison.Ordinal));
        var criterion = alert.Properties["criteria"]!["allOf"]![0]!;
        criterion["metricNamespace"]!.GetValue<string>().Should().Be("Microsoft.ServiceBus/namespaces");
        criterion["metricName"]!.GetValue<string>().Should().Be("DeadletteredMessages");
        criterion["operator"]!.GetValue<string>().Should().Be("GreaterThan");
        criterion["threshold"]!.GetValue<int>().Should().Be(0);
        criterion["dimensions"]![0]!["values"]![0]!.GetValue<string>().Should().Be("[parameters('topicName')]");
        alert.Properties["scopes"]![0]!.GetValue<string>().Should().Be("[parameters('serviceBusNamespaceId')]");
        alert.Properties["actions"]![0]!["actionGroupId"].Should().NotBeNull();
    }

    [Theory]
    [InlineData("poison-events", "privateflows.inputs.processed", "== \"parked\"")]
    [InlineData("failed-orchestrations", "DurableTask", "(Orchestrator)")]
    [InlineData("http-5xx-rate", "AppRequests", ">= 500")]
    public void Log_alert_watches(string name, string signal, string condition)
    {
        var alerts = CompiledTemplate.Variable(Template, "alerts", "logAlerts")!.AsArray();
        var alert = alerts.SingleOrDefault(a => a!["name"]!.GetValue<string>() == name);
        alert.Should().NotBeNull($"the {name} alert should exist");
        var query = alert!["query"]!.GetValue<string>();
        query.Should().Contain(signal).And.Contain(condition);
        alert["measure"]!.GetValue<string>().Should().NotBeEmpty();

        var rule = ArmTemplate.Single(Template, "Microsoft.Insights/scheduledQueryRules");
        rule.Node["copy"]!["count"]!.GetValue<string>().Should().Be("[length(variables('logAlerts'))]");
        rule.Properties["scopes"]![0]!.GetValue<string>().Should().Be("[parameters('logAnalyticsId')]");
        var criterion = rule.Properties["criteria"]!["allOf"]![0]!;
        criterion["query"]!.GetValue<string>().Should().Be("[variables('logAlerts')[copyIndex()].query]");
        criterion["operator"]!.GetValue<string>().Should().Be("GreaterThan");
        rule.Properties["actions"]!["actionGroups"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public void Journeys_workbook_shows_events_per_second_sends_conversions_and_lag()
    {
        var workbook = ArmTemplate.Single(Template, "Microsoft.Insights/workbooks");
        workbook.Properties["category"]!.GetValue<string>().Should().Be("workbook");
        workbook.Properties["sourceId"]!.GetValue<string>().Should().Be("[parameters('logAnalyticsId')]");
        var serialized = workbook.Properties["serializedData"]!.GetValue<string>();
        serialized.Should().Contain("string(", "the workbook JSON is infra/dashboards/journeys.workbook.json, loaded at build time");

        var queries = Repo.ReadJson("infra", "dashboards", "journeys.workbook.json")["items"]!.AsArray()
            .Select(i => i!["content"]?["query"]?.GetValue<string>())
            .OfType<string>()
            .ToList();
        queries.Should().Contain(q => q.Contains("privateflows.events.accepted", StringComparison.Ordinal) && q.Contains("/ 60.0", StringComparison.Ordinal), "events per second");
        queries.Should().Contain(q => q.Contains("privateflows.sends", StringComparison.Ordinal), "sends");
        queries.Should().Contain(q => q.Contains("privateflows.conversions", StringComparison.Ordinal), "conversions");
        queries.Should().Contain(q => q.Contains("privateflows.timer.lateness", StringComparison.Ordinal), "timer lag");
        queries.Should().Contain(q => q.Contains("ActiveMessages", StringComparison.Ordinal), "backlog on the subscription");
        queries.Should().Contain(q => q.Contains("privateflows.inputs.processed", StringComparison.Ordinal) && q.Contains("== \"parked\"", StringComparison.Ordinal), "inputs parked as poison");
    }

    [Theory]
    [InlineData("privateflows.events.accepted")]
    [InlineData("privateflows.sends")]
    [InlineData("privateflows.timer.lateness")]
    [InlineData("privateflows.inputs.processed")]
    public void Metric_the_alerts_and_workbook_read_is_one_the_runtime_emits(string metric)
    {
        Repo.ReadText("functions", "PrivateFlows.Runtime", "Telemetry", "RuntimeMetrics.cs").Should().Contain($"\"{metric}\"",
            "renaming a metric breaks the alerts and the workbook (docs/deploy-azure.md, Observability)");
    }

    [Fact]
    public void Poison_alert_matches_the_result_tag_of_a_parked_input()
    {
        // RuntimeMetrics tags result = StepResult.ToString().ToLowerInvariant(); an input parked as poison is StepResult.Parked.
        Repo.ReadText("functions", "PrivateFlows.Runtime", "Processing", "StepRequest.cs").Should().MatchRegex(@"enum StepResult \{[^}]*\bParked\b");
        Repo.ReadText("functions", "PrivateFlows.Runtime", "Telemetry", "RuntimeMetrics.cs").Should().Contain("result.ToString().ToLowerInvariant()");
    }

    [Fact]
    public void Service_bus_metrics_reach_the_workspace_the_workbook_reads()
    {
        var diagnostics = ArmTemplate.Single(Template, "Microsoft.Insights/diagnosticSettings");
        diagnostics.Module.Should().Be("servicebus");
        diagnostics.Properties["workspaceId"]!.GetValue<string>().Should().Be("[parameters('logAnalyticsId')]");
        diagnostics.Properties["metrics"]![0]!["category"]!.GetValue<string>().Should().Be("AllMetrics");
    }

    [Fact]
    public void Outputs_name_the_app_its_url_application_insights_and_the_identity_client_id()
    {
        var outputs = Template["outputs"]!.AsObject();
        outputs.Select(o => o.Key).Should().BeEquivalentTo(
            "AZURE_LOCATION",
            "AZURE_RESOURCE_GROUP",
            "FUNCTION_APP_NAME",
            "FUNCTION_APP_URL",
            "API_BASE_URL",
            "APPLICATIONINSIGHTS_NAME",
            "AZURE_CLIENT_ID",
            "KEY_VAULT_NAME",
            "SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE",
            "SERVICE_BUS_TOPIC",
            "SERVICE_BUS_SUBSCRIPTION",
            "COSMOS_ENDPOINT",
            "COSMOS_DATABASE",
            "JOURNEYS_WORKBOOK");
        outputs["FUNCTION_APP_NAME"]!["value"]!.GetValue<string>().Should().Contain("'functionApp'");
        outputs["FUNCTION_APP_URL"]!["value"]!.GetValue<string>().Should().StartWith("[format('https://{0}'");
        outputs["APPLICATIONINSIGHTS_NAME"]!["value"]!.GetValue<string>().Should().Contain("'monitoring'");
        outputs["AZURE_CLIENT_ID"]!["value"]!.GetValue<string>().Should().Contain("'identity'").And.Contain("clientId");
    }
}
