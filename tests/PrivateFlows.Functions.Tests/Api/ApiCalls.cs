using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace PrivateFlows.Functions.Tests.Api;

/// <summary>Requests as the Functions ASP.NET Core integration hands them to a function, and the answer a result writes.</summary>
public static class ApiCalls
{
    public static HttpRequest Request(string method = "GET", string path = "/api/x", string? query = null, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        if (query is not null) context.Request.QueryString = new QueryString(query);
        foreach (var (name, value) in headers) context.Request.Headers[name] = value;
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    /// <summary>Executes <paramref name="result"/> against a fresh response, as the Functions host does, and reads it back.</summary>
    public static async Task<Answer> ExecuteAsync(IActionResult result, HttpRequest? request = null)
    {
        var http = (request ?? Request()).HttpContext;
        await result.ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));
        return await ReadAsync(http.Response);
    }

    public static async Task<Answer> ReadAsync(HttpResponse response)
    {
        response.Body.Position = 0;
        using var reader = new StreamReader(response.Body, Encoding.UTF8, leaveOpen: true);
        var text = await reader.ReadToEndAsync();
        return new Answer(response.StatusCode, response.ContentType, text, response.Headers);
    }
}

public sealed record Answer(int Status, string? ContentType, string Text, IHeaderDictionary Headers)
{
    public JsonNode Json => JsonNode.Parse(Text)!;
}
