using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PrivateFlows.Functions.Security;
using PrivateFlows.Runtime.Timers;

namespace PrivateFlows.Functions.CustomHandler;

public static class CustomHandlerExtensions
{
    /// <summary>
    /// Custom-handler mode (call after <c>AddPrivateFlowsRuntime</c>): Service Bus options validated at start-up, the
    /// token source and the resilient REST client for publishing due timers, the two invocation functions, and no
    /// in-process timer loop (the <c>FireDueTimers</c> timer trigger drives timers). API keys are required: the Functions
    /// host forwards public HTTP requests from loopback, so the keyless dev mode would open the API to everyone.
    /// </summary>
    public static IServiceCollection AddCustomHandler(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ServiceBusOptions>()
            .Bind(configuration.GetSection(ServiceBusOptions.Section))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.FullyQualifiedNamespace)) o.FullyQualifiedNamespace = configuration[ServiceBusOptions.ConnectionNamespaceKey];
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServiceBusOptions>, ServiceBusOptionsValidator>();
        services.AddOptions<ApiKeyOptions>()
            .Validate(o => o.Any, "running under the Azure Functions host (FUNCTIONS_CUSTOMHANDLER_PORT is set) needs API keys: set PrivateFlows__ApiKeys__Producer__0, PrivateFlows__ApiKeys__Marketer__0 and PrivateFlows__ApiKeys__Ops__0 (Key Vault references in Azure)")
            .ValidateOnStart();

        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton<IServiceBusTokenSource, CredentialTokenSource>();
        services.AddHttpClient(ServiceBusRestSender.ClientName).AddStandardResilienceHandler();
        services.AddSingleton<ServiceBusRestSender>();
        services.AddSingleton<FireDueTimersFunction>();
        services.AddSingleton<ProcessCustomerEventFunction>();

        StopInProcessTimers(services);
        return services;
    }

    /// <summary>The host's invocation endpoints (loopback only, called by the Functions host, never forwarded from outside).</summary>
    public static IEndpointRouteBuilder MapCustomHandler(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(ProcessCustomerEventFunction.Route, (HttpRequest request, ProcessCustomerEventFunction function, CancellationToken ct) => function.InvokeAsync(request, ct))
            .AllowAnonymous()
            .ExcludeFromDescription();
        app.MapPost(FireDueTimersFunction.Route, (HttpRequest request, FireDueTimersFunction function, CancellationToken ct) => function.InvokeAsync(request, ct))
            .AllowAnonymous()
            .ExcludeFromDescription();

        // GET / must answer: the dashboard's index.html does when it is deployed; otherwise a plain 200.
        var environment = app.ServiceProvider.GetRequiredService<IWebHostEnvironment>();
        if (!environment.WebRootFileProvider.GetFileInfo("index.html").Exists)
        {
            app.MapGet("/", () => Results.Text("PrivateFlows custom handler", "text/plain")).AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>
    /// Removes the hosted service that runs <see cref="TimerService"/>'s in-process loop (the service itself stays, for
    /// status readers). Registered by a factory, it is recognised as DI itself does: by the factory's result type.
    /// </summary>
    private static void StopInProcessTimers(IServiceCollection services)
    {
        var loops = services.Where(d => d.ServiceType == typeof(IHostedService) && !d.IsKeyedService && HostedType(d) == typeof(TimerService)).ToList();
        if (loops.Count == 0) throw new InvalidOperationException("the in-process timer loop was not found: call AddCustomHandler after AddPrivateFlowsRuntime");
        foreach (var loop in loops) services.Remove(loop);
    }

    private static Type? HostedType(ServiceDescriptor d) =>
        d.ImplementationType
        ?? d.ImplementationInstance?.GetType()
        ?? (d.ImplementationFactory?.GetType() is { IsGenericType: true } factory ? factory.GenericTypeArguments[^1] : null);
}
