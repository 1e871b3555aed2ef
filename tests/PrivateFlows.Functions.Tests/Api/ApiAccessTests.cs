using Microsoft.Extensions.Options;
using Moq;
using PrivateFlows.Durable.Api;

namespace PrivateFlows.Functions.Tests.Api;

public sealed class ApiAccessTests
{
    private const string ProducerKey = "producer-key-0123456789";
    private const string MarketerKey = "marketer-key-0123456789";
    private const string OpsKey = "ops-key-0123456789abcdef";

    private static ApiAccess Access(ApiKeyOptions? keys = null)
    {
        var options = keys ?? new ApiKeyOptions { Producer = [ProducerKey], Marketer = [MarketerKey], Ops = [OpsKey] };
        return new(Mock.Of<IOptionsMonitor<ApiKeyOptions>>(m => m.CurrentValue == options));
    }

    [Fact]
    public async Task Check_NoKey_Answers401WithChallenge()
    {
        var request = ApiCalls.Request();

        var refusal = Access().Check(ApiFunctions.GetCustomer, request);

        refusal.Should().NotBeNull();
        var answer = await ApiCalls.ExecuteAsync(refusal!, request);
        answer.Status.Should().Be(401);
        answer.ContentType.Should().StartWith("application/problem+json");
        answer.Json["title"]!.GetValue<string>().Should().Be("API key required");
        answer.Headers.WWWAuthenticate.ToString().Should().Contain("Bearer");
    }

    [Fact]
    public void Check_UnknownKey_Answers401()
    {
        Access().Check(ApiFunctions.GetCustomer, ApiCalls.Request(headers: ("X-Api-Key", "not-a-key-0123456789")))!.StatusCode.Should().Be(401);
    }

    [Theory]
    [InlineData(ApiFunctions.GetCustomer, ProducerKey)]
    [InlineData(ApiFunctions.GetCustomer, MarketerKey)]
    [InlineData(ApiFunctions.EraseCustomer, MarketerKey)]
    [InlineData(ApiFunctions.ListDeadLetters, MarketerKey)]
    [InlineData(ApiFunctions.RequeueDeadLetter, ProducerKey)]
    [InlineData(ApiFunctions.ListJourneys, ProducerKey)]
    [InlineData(ApiFunctions.PostEvents, OpsKey)]
    public void Check_WrongRole_Answers403(string function, string key)
    {
        Access().Check(function, ApiCalls.Request(headers: ("X-Api-Key", key)))!.StatusCode.Should().Be(403);
    }

    [Theory]
    [InlineData(ApiFunctions.GetCustomer, OpsKey)]
    [InlineData(ApiFunctions.GetInstance, OpsKey)]
    [InlineData(ApiFunctions.EraseCustomer, OpsKey)]
    [InlineData(ApiFunctions.ListDeadLetters, OpsKey)]
    [InlineData(ApiFunctions.ListJourneys, MarketerKey)]
    [InlineData(ApiFunctions.ListJourneys, OpsKey)]
    [InlineData(ApiFunctions.GetSegmentCustomers, MarketerKey)]
    [InlineData(ApiFunctions.PostEvents, ProducerKey)]
    public void Check_RightRole_LetsThrough(string function, string key)
    {
        Access().Check(function, ApiCalls.Request(headers: ("X-Api-Key", key))).Should().BeNull();
    }

    [Fact]
    public void Check_BearerKey_LetsThrough()
    {
        Access().Check(ApiFunctions.GetCustomer, ApiCalls.Request(headers: ("Authorization", $"Bearer {OpsKey}"))).Should().BeNull();
    }

    [Fact]
    public async Task Check_NoKeysConfigured_FailsClosedWith503()
    {
        var request = ApiCalls.Request(headers: ("X-Api-Key", OpsKey));

        var refusal = Access(new ApiKeyOptions()).Check(ApiFunctions.GetCustomer, request);

        refusal.Should().NotBeNull("there is no keyless dev mode in Azure");
        (await ApiCalls.ExecuteAsync(refusal!, request)).Status.Should().Be(503);
    }

    [Theory]
    [InlineData(ApiFunctions.Healthz)]
    [InlineData(ApiFunctions.Dashboard)]
    [InlineData(ApiFunctions.DashboardRoot)]
    public void Check_AnonymousFunction_NeedsNoKeyEvenWithoutKeysConfigured(string function)
    {
        Access(new ApiKeyOptions()).Check(function, ApiCalls.Request()).Should().BeNull();
    }

    [Fact]
    public void Check_FunctionWithoutRoles_IsClosedToEveryone()
    {
        Access().Check("SomeNewFunction", ApiCalls.Request(headers: ("X-Api-Key", OpsKey)))!.StatusCode.Should().Be(403);
    }

    [Fact]
    public void Validate_ShortKey_FailsStartUp()
    {
        var result = new ApiKeyOptionsValidator().Validate(null, new ApiKeyOptions { Ops = ["short"] });

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("ops");
    }

    [Fact]
    public void Validate_NoKeys_StartsSoHealthzAnswers()
    {
        new ApiKeyOptionsValidator().Validate(null, new ApiKeyOptions()).Succeeded.Should().BeTrue();
    }
}
