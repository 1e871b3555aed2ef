using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Durable.Api;

namespace PrivateFlows.Functions.Tests.Api;

public sealed class CustomerExportsTests
{
    [Fact]
    public async Task Export_Known_HoldsEverythingTheReadModelKeeps_Unknown404()
    {
        var exports = new CustomerExports(await ReadModelData.WithCustomerAsync(), new FakeTimeProvider(ReadModelData.At.AddHours(2)));

        var answer = await ApiCalls.ExecuteAsync(await exports.ExportAsync("c-1", CancellationToken.None));
        var unknown = await ApiCalls.ExecuteAsync(await exports.ExportAsync("nobody", CancellationToken.None));

        answer.Status.Should().Be(200);
        var json = answer.Json;
        json["customerId"]!.GetValue<string>().Should().Be("c-1");
        json["exportedAt"]!.GetValue<DateTimeOffset>().Should().Be(ReadModelData.At.AddHours(2));
        json["profile"]!["customerId"]!.GetValue<string>().Should().Be("c-1");
        json["history"]!.AsArray().Should().HaveCount(2);
        json["messages"]!.AsArray().Should().ContainSingle();
        json["points"]!.AsArray().Should().ContainSingle();
        json["timers"]!.AsArray().Should().ContainSingle();
        json["referrals"]!["code"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        unknown.Status.Should().Be(404);
    }
}
