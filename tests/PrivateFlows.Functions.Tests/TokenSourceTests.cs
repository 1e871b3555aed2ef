using Azure.Core;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Functions.CustomHandler;

namespace PrivateFlows.Functions.Tests;

public sealed class TokenSourceTests
{
    private sealed class CountingCredential(TimeProvider clock) : TokenCredential
    {
        public int Calls { get; private set; }

        public List<string[]> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Calls++;
            Scopes.Add(requestContext.Scopes);
            return ValueTask.FromResult(new AccessToken($"token-{Calls}", clock.GetUtcNow().AddHours(1)));
        }
    }

    [Fact]
    public async Task Tokens_for_the_Service_Bus_scope_are_cached_until_shortly_before_they_expire()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero));
        var credential = new CountingCredential(clock);
        var source = new CredentialTokenSource(credential, clock);

        (await source.GetTokenAsync(default)).Should().Be("token-1");
        clock.Advance(TimeSpan.FromMinutes(50));
        (await source.GetTokenAsync(default)).Should().Be("token-1");
        clock.Advance(TimeSpan.FromMinutes(6));
        (await source.GetTokenAsync(default)).Should().Be("token-2", "five minutes before expiry the token is renewed");

        credential.Scopes.Should().OnlyContain(s => s.SequenceEqual(new[] { "https://servicebus.azure.net/.default" }));
    }
}
