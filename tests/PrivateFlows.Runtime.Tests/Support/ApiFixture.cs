namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>One host with API keys shared by a test class (xunit needs a fixture it can construct without arguments).</summary>
public sealed class ApiFixture : IDisposable
{
    public ApiFactory Api { get; } = new();

    public void Dispose() => Api.Dispose();
}
