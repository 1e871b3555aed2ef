using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using PrivateFlows.Runtime.Channels;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Runtime.Timers;

namespace PrivateFlows.Runtime;

public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// The durable journey runtime: inbox, per-customer workers, decider, step commits, timers, channel adapters, and
    /// the start-up recovery pass. Settings under <c>PrivateFlows:</c> are validated when the host starts. It has no
    /// store until one is chosen on the returned builder (<c>.UseSqlite()</c>); without one, start-up fails saying so.
    /// </summary>
    public static PrivateFlowsRuntimeBuilder AddPrivateFlowsRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddOptions<ProcessingOptions>().Bind(configuration.GetSection(ProcessingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JourneyOptions>().Bind(configuration.GetSection(JourneyOptions.Section));
        services.AddOptions<ChannelOptions>().Bind(configuration.GetSection(ChannelOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChannelOptions>, ChannelOptionsValidator>();

        services.AddStoreRoles();
        services.AddSingleton<RuntimeMetrics>();
        services.AddSingleton<JourneyCatalog>();
        services.AddSingleton<JourneyPublisher>();
        services.AddSingleton<TimerAlarm>();
        services.AddSingleton<ChannelRouter>();
        services.AddSingleton<EffectDispatcher>();
        services.AddSingleton<ReferrerFactsReader>();
        services.AddSingleton<StepProcessor>();
        services.AddSingleton<CustomerQueues>();
        services.AddSingleton<EventIngest>();
        services.AddSingleton<InstanceCommands>();
        services.AddSingleton<PoisonRetry>();

        AddChannels(services, configuration.GetSection(ChannelOptions.Section).Get<ChannelOptions>() ?? new ChannelOptions());

        // Contact policy, customer program and costs from configuration; stats, winners, KPIs, privacy. Registered
        // first: declared A/B winners are loaded before the engine decides anything.
        services.AddPrivateFlowsInsights(configuration);

        // Order matters: start-up (journeys, workers, recovery) completes before timers fire.
        services.AddHostedService<EngineStartup>();
        services.AddSingleton<TimerService>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerService>());
        return new PrivateFlowsRuntimeBuilder(services, configuration);
    }

    /// <summary>
    /// Only the channel adapters (webhook, SMTP, WeCom robot) with their resilient clients and validated
    /// <c>PrivateFlows:Channels</c> options: for a host without the local engine (the Azure Functions app).
    /// </summary>
    public static IServiceCollection AddPrivateFlowsChannels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ChannelOptions>().Bind(configuration.GetSection(ChannelOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChannelOptions>, ChannelOptionsValidator>();
        AddChannels(services, configuration.GetSection(ChannelOptions.Section).Get<ChannelOptions>() ?? new ChannelOptions());
        return services;
    }

    private static void AddChannels(IServiceCollection services, ChannelOptions channels)
    {
        services.AddSingleton<IMessageChannel, WebhookChannel>();
        services.AddSingleton<IMessageChannel, SmtpEmailChannel>();
        services.AddSingleton<IMessageChannel, WeComRobotChannel>();

        var webhook = channels.Webhook;
        var attempt = TimeSpan.FromSeconds(Math.Clamp(webhook.TimeoutSeconds, 1, 300));
        var retries = Math.Clamp(webhook.MaxRetries, 0, 10);
        AddResilientClient(services, WebhookChannel.ClientName, attempt, retries);
        services.AddSingleton<WebhookDestinations>();
        // No proxy: the destination's addresses are checked where the connection is made (SSRF guard, DNS rebinding).
        services.AddHttpClient(WebhookChannel.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, ConnectCallback = WebhookDestinations.ConnectAsync });
        AddResilientClient(services, WeComRobotChannel.ClientName, TimeSpan.FromSeconds(10), 3);

        var smtpRetries = Math.Clamp(channels.Smtp.MaxRetries, 0, 10);
        services.AddResiliencePipeline(SmtpEmailChannel.PipelineName, builder =>
        {
            if (smtpRetries == 0) return;
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = smtpRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            });
        });
    }

    /// <summary>
    /// A named client with retries (exponential backoff with jitter, honouring Retry-After) and per-attempt and total
    /// timeouts. No circuit breaker: an open circuit would fail every customer's message at once instead of retrying it.
    /// </summary>
    private static void AddResilientClient(IServiceCollection services, string name, TimeSpan attemptTimeout, int retries)
    {
        services.AddHttpClient(name)
            .AddResilienceHandler($"{name}-pipeline", builder =>
            {
                builder.AddTimeout(attemptTimeout * (retries + 1) + TimeSpan.FromSeconds(10));
                if (retries > 0)
                {
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = retries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = TimeSpan.FromMilliseconds(200),
                        ShouldRetryAfterHeader = true,
                    });
                }

                builder.AddTimeout(attemptTimeout);
            });
        services.AddHttpClient(name).AddHttpMessageHandler(() => new AttemptCounter.Handler());
    }
}
