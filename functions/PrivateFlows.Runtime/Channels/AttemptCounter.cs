namespace PrivateFlows.Runtime.Channels;

/// <summary>Counts the HTTP attempts the resilience handler made for one request (placed inside the retry handler).</summary>
public sealed class AttemptCounter
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("privateflows.attempts");

    private int _count;

    public int Count => _count;

    internal void Increment() => Interlocked.Increment(ref _count);

    /// <summary>The message handler that does the counting.</summary>
    public sealed class Handler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(request);
            if (request.Options.TryGetValue(Key, out var counter)) counter.Increment();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
