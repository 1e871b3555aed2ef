using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using PrivateFlows.Durable.Api;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Runtime.ReadModel;

namespace PrivateFlows.Functions.Tests.Api;

/// <summary>Erase in Azure: the orchestration stops, its Durable history is purged, then the read model forgets the customer.</summary>
public sealed class CustomerErasureTests
{
    private static readonly string InstanceId = CustomerInstances.InstanceId("c-1");

    private readonly List<string> _calls = [];
    private readonly Mock<DurableTaskClient> _client = new("test");
    private OrchestrationMetadata? _instance;

    public CustomerErasureTests()
    {
        _client.Setup(c => c.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .Callback((string id, bool _, CancellationToken _) => _calls.Add($"get {id}"))
            .ReturnsAsync(() => _instance);
        _client.Setup(c => c.TerminateInstanceAsync(It.IsAny<string>(), It.IsAny<TerminateInstanceOptions>(), It.IsAny<CancellationToken>()))
            .Callback((string id, TerminateInstanceOptions? _, CancellationToken _) => _calls.Add($"terminate {id}"))
            .Returns(Task.CompletedTask);
        _client.Setup(c => c.WaitForInstanceCompletionAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .Callback((string id, bool _, CancellationToken _) => _calls.Add($"wait {id}"))
            .ReturnsAsync(() => new OrchestrationMetadata(CustomerInstances.Orchestrator, InstanceId) { RuntimeStatus = OrchestrationRuntimeStatus.Terminated });
        _client.Setup(c => c.PurgeInstanceAsync(It.IsAny<string>(), It.IsAny<PurgeInstanceOptions>(), It.IsAny<CancellationToken>()))
            .Callback((string id, PurgeInstanceOptions? _, CancellationToken _) => { _calls.Add($"purge {id}"); _instance = null; })
            .ReturnsAsync(new PurgeResult(1));
    }

    [Fact]
    public async Task EraseAsync_RunningCustomer_TerminatesWaitsPurgesThenErasesTheReadModel()
    {
        var model = await ReadModelData.WithCustomerAsync();
        _instance = Instance(OrchestrationRuntimeStatus.Running);

        var answer = await ApiCalls.ExecuteAsync(await Erasure(model).EraseAsync(_client.Object, "c-1", CancellationToken.None));

        answer.Status.Should().Be(204);
        _calls.Should().Equal($"get {InstanceId}", $"terminate {InstanceId}", $"wait {InstanceId}", $"purge {InstanceId}", "erase c-1");
        (await model.ReadCustomerAsync("c-1")).Should().BeNull();
        (await model.IsErasedAsync("c-1")).Should().BeTrue();
    }

    [Fact]
    public async Task DeliverAsync_LateEventAfterErasure_IsDroppedAndStartsNothing()
    {
        var model = await ReadModelData.WithCustomerAsync();
        _instance = Instance(OrchestrationRuntimeStatus.Running);
        await Erasure(model).EraseAsync(_client.Object, "c-1", CancellationToken.None);
        var late = new PrivateFlows.Workflows.Customers.CustomerEvent("late-1", "app.opened", "c-1", DateTimeOffset.UnixEpoch, [], "app");

        var handover = await new Durable.Ingress.CustomerOrchestrations(model, NullLogger<Durable.Ingress.CustomerOrchestrations>.Instance).DeliverAsync(_client.Object, late);

        handover.Should().Be(Durable.Ingress.Handover.Dropped, "an erased customer's purged orchestration must not be started again by a late event");
        _client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<Microsoft.DurableTask.TaskName>(), It.IsAny<object?>(), It.IsAny<Microsoft.DurableTask.StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
        _client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task EraseAsync_SecondTime_Answers404AndTouchesNoOrchestration()
    {
        var model = await ReadModelData.WithCustomerAsync();
        _instance = Instance(OrchestrationRuntimeStatus.Running);
        await Erasure(model).EraseAsync(_client.Object, "c-1", CancellationToken.None);
        _calls.Clear();

        var again = await ApiCalls.ExecuteAsync(await Erasure(model).EraseAsync(_client.Object, "c-1", CancellationToken.None));

        again.Status.Should().Be(404);
        again.Json["title"]!.GetValue<string>().Should().Be("Customer not found");
        _calls.Should().Equal($"get {InstanceId}", "erase c-1");
    }

    [Fact]
    public async Task EraseAsync_FinishedOrchestration_IsPurgedWithoutTerminating()
    {
        var model = await ReadModelData.WithCustomerAsync();
        _instance = Instance(OrchestrationRuntimeStatus.Failed);

        var answer = await ApiCalls.ExecuteAsync(await Erasure(model).EraseAsync(_client.Object, "c-1", CancellationToken.None));

        answer.Status.Should().Be(204);
        _calls.Should().Equal($"get {InstanceId}", $"purge {InstanceId}", "erase c-1");
    }

    [Fact]
    public async Task EraseAsync_OrchestrationButNoReadModel_StillPurgesAndAnswers204()
    {
        _instance = Instance(OrchestrationRuntimeStatus.Running);

        var answer = await ApiCalls.ExecuteAsync(await Erasure(new InMemoryCustomerReadModel()).EraseAsync(_client.Object, "c-1", CancellationToken.None));

        answer.Status.Should().Be(204);
        _calls.Should().Contain($"purge {InstanceId}");
    }

    private CustomerErasure Erasure(InMemoryCustomerReadModel model) => new(new RecordingReadModel(model, _calls), NullLogger<CustomerErasure>.Instance);

    private static OrchestrationMetadata Instance(OrchestrationRuntimeStatus status) =>
        new(CustomerInstances.Orchestrator, InstanceId) { RuntimeStatus = status };

    private sealed class RecordingReadModel(InMemoryCustomerReadModel inner, List<string> calls) : ICustomerReadModel
    {
        public Task WriteStepAsync(CustomerStep step, CancellationToken cancellationToken = default) => inner.WriteStepAsync(step, cancellationToken);

        public Task<bool> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default)
        {
            calls.Add($"erase {customerId}");
            return inner.EraseCustomerAsync(customerId, cancellationToken);
        }
    }
}
