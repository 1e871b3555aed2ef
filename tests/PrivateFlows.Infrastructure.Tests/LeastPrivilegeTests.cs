using System.Text.Json.Nodes;
using PrivateFlows.Infrastructure.Tests.Support;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>Who may do what: the app, the producers and the developer each get the narrowest data roles.</summary>
[Collection(BicepCollection.Name)]
public sealed class LeastPrivilegeTests(BicepFixture bicep)
{
    private const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    private const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    private const string AppPrincipal = "[parameters('appPrincipalId')]";
    private const string DeveloperPrincipal = "[parameters('developerPrincipalId')]";

    private JsonObject Template => bicep.RequireTemplate();

    [Theory]
    [InlineData("090c5cfd-751d-490a-894a-3ce6f1109419", "Microsoft.ServiceBus/namespaces/topics/subscriptions", "Azure Service Bus Data Owner (receive + the scale controller's message count)")]
    [InlineData("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "Microsoft.ServiceBus/namespaces/topics'", "Azure Service Bus Data Sender")]
    [InlineData("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "Microsoft.ServiceBus/namespaces/queues'", "Azure Service Bus Data Sender (ingress sets a bad message aside)")]
    [InlineData("4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "Microsoft.ServiceBus/namespaces/queues'", "Azure Service Bus Data Receiver (ops read the poison queue)")]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts", "Storage Blob Data Owner")]
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts", "Storage Queue Data Contributor")]
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts", "Storage Table Data Contributor")]
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components", "Monitoring Metrics Publisher")]
    [InlineData("4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults", "Key Vault Secrets User")]
    public void App_identity_holds_role(string roleDefinitionGuid, string scopeType, string roleName)
    {
        var assignments = CompiledTemplate.RoleAssignments(Template)
            .Where(a => a.Type == "Microsoft.Authorization/roleAssignments")
            .Where(a => CompiledTemplate.PrincipalOf(a) == AppPrincipal)
            .Where(a => CompiledTemplate.RoleGuid(Template, a) == roleDefinitionGuid)
            .Where(a => a.Node["scope"]!.GetValue<string>().Contains(scopeType, StringComparison.Ordinal))
            .ToList();

        assignments.Should().ContainSingle($"the app identity should hold {roleName} exactly once on the {scopeType}");
        var assignment = assignments[0];
        assignment.Properties["roleDefinitionId"]!.GetValue<string>().Should().Contain("Microsoft.Authorization/roleDefinitions");
        assignment.Properties["principalType"]!.GetValue<string>().Should().Be("ServicePrincipal");
        assignment.Node["scope"]!.GetValue<string>().Should().Contain(scopeType, $"{roleName} is scoped to the {scopeType}");
        ArmTemplate.ModuleParameter(Template, assignment.Module, "appPrincipalId").Should()
            .Contain("'identity'").And.Contain("principalId", "the module's appPrincipalId is the managed identity's principal");
    }

    [Fact]
    public void App_identity_holds_exactly_the_roles_it_needs()
    {
        var roles = CompiledTemplate.RoleAssignments(Template)
            .Where(a => a.Type == "Microsoft.Authorization/roleAssignments" && CompiledTemplate.PrincipalOf(a) == AppPrincipal)
            .Select(a => CompiledTemplate.RoleGuid(Template, a));
        roles.Should().HaveCount(9, "owner of the subscription, sender on the topic, sender and receiver on the poison queue, three storage data roles, metrics publisher, secrets user");
    }

    [Fact]
    public void App_identity_is_cosmos_built_in_data_contributor_through_a_sql_role_assignment()
    {
        var assignments = ArmTemplate.OfType(Template, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")
            .Where(a => CompiledTemplate.PrincipalOf(a) == AppPrincipal)
            .ToList();
        assignments.Should().ContainSingle();
        assignments[0].Properties["roleDefinitionId"]!.GetValue<string>().Should().Contain("/sqlRoleDefinitions/");
        CompiledTemplate.RoleGuid(Template, assignments[0]).Should().Be("00000000-0000-0000-0000-000000000002");
        ArmTemplate.ModuleParameter(Template, assignments[0].Module, "appPrincipalId").Should().Contain("'identity'");
    }

    [Fact]
    public void No_service_bus_role_is_granted_on_the_whole_namespace()
    {
        CompiledTemplate.RoleAssignments(Template)
            .Where(a => a.Module == "servicebus")
            .Select(a => a.Node["scope"]!.GetValue<string>())
            .Should().OnlyContain(scope => scope.Contains("/topics", StringComparison.Ordinal) || scope.Contains("/queues", StringComparison.Ordinal),
                "roles are scoped to the customer-events topic, its journeys subscription or the app's poison queue");
    }

    [Fact]
    public void Producers_may_send_on_the_customer_events_topic_and_nothing_else()
    {
        var producerAssignments = CompiledTemplate.RoleAssignments(Template)
            .Where(a => CompiledTemplate.PrincipalOf(a).Contains("producerPrincipalIds", StringComparison.Ordinal))
            .ToList();
        producerAssignments.Should().ContainSingle("one loop: one Data Sender assignment per producer");
        var senders = producerAssignments[0];
        senders.Module.Should().Be("servicebus");
        senders.Node["copy"]!["count"]!.GetValue<string>().Should().Be("[length(parameters('producerPrincipalIds'))]");
        CompiledTemplate.RoleGuid(Template, senders).Should().Be(ServiceBusDataSender);
        senders.Node["scope"]!.GetValue<string>().Should()
            .Be("[resourceId('Microsoft.ServiceBus/namespaces/topics', parameters('name'), parameters('topicName'))]");

        ArmTemplate.ModuleParameter(Template, "servicebus", "producerPrincipalIds").Should().Be("[parameters('producerPrincipalIds')]");
        ArmTemplate.AllResources(Template).Where(r => r.Type == "Microsoft.Resources/deployments" && r.Name != "servicebus")
            .Select(r => r.Properties["parameters"]!.ToJsonString())
            .Should().NotContain(p => p.Contains("producerPrincipalIds", StringComparison.Ordinal), "producers get nothing outside Service Bus");
    }

    [Fact]
    public void Developer_gets_data_roles_only_in_development_environments()
    {
        Template["parameters"]!["environmentType"]!["defaultValue"]!.GetValue<string>().Should().Be("production");
        Template["variables"]!["isDevelopment"]!.GetValue<string>().Should().Be("[equals(parameters('environmentType'), 'development')]");
        Template["variables"]!["developerPrincipalId"]!.GetValue<string>().Should().Be("[if(variables('isDevelopment'), parameters('principalId'), '')]");

        var modulesUsingPrincipal = ArmTemplate.AllResources(Template)
            .Where(r => r.Module == "main" && r.Type == "Microsoft.Resources/deployments")
            .Where(r => r.Properties["parameters"]!.ToJsonString().Contains("principalId')", StringComparison.Ordinal))
            .Select(r => r.Name);
        modulesUsingPrincipal.Should().BeEmpty("no module gets the raw principalId; they get the development-only variable");

        var developerAssignments = CompiledTemplate.RoleAssignments(Template)
            .Where(a => CompiledTemplate.PrincipalOf(a) == DeveloperPrincipal)
            .ToList();
        developerAssignments.Should().NotBeEmpty();
        foreach (var assignment in developerAssignments)
        {
            assignment.Node["condition"]!.GetValue<string>().Should().Be("[not(empty(parameters('developerPrincipalId')))]", assignment.ToString());
            ArmTemplate.ModuleParameter(Template, assignment.Module, "developerPrincipalId").Should().Be("[variables('developerPrincipalId')]");
        }

        developerAssignments.Select(a => CompiledTemplate.RoleGuid(Template, a)).Should()
            .Contain([ServiceBusDataSender, ServiceBusDataReceiver]);
    }

    [Fact]
    public void Every_role_assignment_goes_to_the_app_a_producer_or_the_development_only_developer()
    {
        CompiledTemplate.RoleAssignments(Template)
            .Select(CompiledTemplate.PrincipalOf)
            .Should().OnlyContain(p => p == AppPrincipal || p == DeveloperPrincipal || p == "[parameters('producerPrincipalIds')[copyIndex()]]");
    }
}
