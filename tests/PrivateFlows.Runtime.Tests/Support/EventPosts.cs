using System.Net;
using System.Text.Json.Nodes;

namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>Posts to <c>POST /api/events</c> and reads the answer (202 lists or problem details) as JSON.</summary>
public static class EventPosts
{
    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostEventsAsync(this HttpClient client, HttpContent content)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsync(new Uri("/api/events", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!.AsObject());
    }
}
