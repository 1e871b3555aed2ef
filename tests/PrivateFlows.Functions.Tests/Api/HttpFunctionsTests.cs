using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Moq;
using PrivateFlows.Durable.Api;
using PrivateFlows.Functions.Http;

namespace PrivateFlows.Functions.Tests.Api;

/// <summary>The HTTP functions of the app as the Functions host sees them, and the key check in front of them.</summary>
public sealed class HttpFunctionsTests
{
    private static IEnumerable<(string Name, HttpTriggerAttribute Trigger)> HttpFunctions() =>
        typeof(ApiKeyMiddleware).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Function is not null && x.Trigger is not null)
            .Select(x => (x.Function!.Name, x.Trigger!));

    [Fact]
    public void EveryHttpFunction_HasRolesOrIsDeliberatelyAnonymous()
    {
        var functions = HttpFunctions().ToList();
        functions.Select(f => f.Name).Should().Contain([ApiFunctions.GetCustomer, ApiFunctions.EraseCustomer, ApiFunctions.ListDeadLetters, ApiFunctions.Dashboard, ApiFunctions.Healthz]);
        functions.Where(f => !ApiFunctions.IsAnonymous(f.Name) && ApiFunctions.RolesFor(f.Name) is null).Select(f => f.Name).Should().BeEmpty();
    }

    [Fact]
    public void EveryHttpFunction_IsAnonymousAtTheFunctionsLevel_BecauseTheAppChecksKeys()
    {
        HttpFunctions().Where(f => f.Trigger.AuthLevel != AuthorizationLevel.Anonymous).Select(f => f.Name).Should().BeEmpty();
    }

    [Fact]
    public void Routes_AreTheLocalHostsPaths()
    {
        var routes = HttpFunctions().ToDictionary(f => f.Name, f => f.Trigger.Route);
        routes[ApiFunctions.GetCustomer].Should().Be("customers/{customerId}");
        routes[ApiFunctions.EraseCustomer].Should().Be("customers/{customerId}");
        routes[ApiFunctions.GetCustomerHistory].Should().Be("customers/{customerId}/history");
        routes[ApiFunctions.GetInstance].Should().Be("instances/{instanceId}");
        routes[ApiFunctions.ListJourneys].Should().Be("journeys");
        routes[ApiFunctions.RequeueDeadLetter].Should().Be("deadletters/{sequenceNumber}/requeue");
    }

    [Fact]
    public async Task Middleware_RefusedCall_AnswersAndNeverRunsTheFunction()
    {
        var (context, http) = Invocation(ApiFunctions.GetCustomer);
        var ran = false;

        await Middleware().Invoke(context, _ => { ran = true; return Task.CompletedTask; });

        ran.Should().BeFalse();
        (await ApiCalls.ReadAsync(http.Response)).Status.Should().Be(401);
    }

    [Fact]
    public async Task Middleware_RightKey_RunsTheFunction()
    {
        var (context, http) = Invocation(ApiFunctions.GetCustomer, ("X-Api-Key", "ops-key-0123456789abcdef"));
        var ran = false;

        await Middleware().Invoke(context, _ => { ran = true; return Task.CompletedTask; });

        ran.Should().BeTrue();
        http.Response.StatusCode.Should().Be(200);
    }

    [Fact]
    public async Task Middleware_NonHttpFunction_Passes()
    {
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.Items).Returns(new Dictionary<object, object>());
        context.SetupGet(c => c.FunctionDefinition).Returns(Mock.Of<FunctionDefinition>(d => d.Name == "CustomerEvents"));
        var ran = false;

        await Middleware().Invoke(context.Object, _ => { ran = true; return Task.CompletedTask; });

        ran.Should().BeTrue();
    }

    private static ApiKeyMiddleware Middleware()
    {
        var keys = new ApiKeyOptions { Ops = ["ops-key-0123456789abcdef"] };
        return new(new ApiAccess(Mock.Of<IOptionsMonitor<ApiKeyOptions>>(m => m.CurrentValue == keys)));
    }

    private static (FunctionContext Context, HttpContext Http) Invocation(string function, params (string, string)[] headers)
    {
        var http = ApiCalls.Request(headers: headers).HttpContext;
        var context = new Mock<FunctionContext>();
        // Where the ASP.NET Core integration keeps the request's HttpContext (FunctionContext.GetHttpContext reads it).
        context.SetupGet(c => c.Items).Returns(new Dictionary<object, object> { ["HttpRequestContext"] = http });
        context.SetupGet(c => c.FunctionDefinition).Returns(Mock.Of<FunctionDefinition>(d => d.Name == function));
        context.SetupGet(c => c.CancellationToken).Returns(CancellationToken.None);
        return (context.Object, http);
    }
}
