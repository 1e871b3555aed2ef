using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PrivateFlows.Cli.Commands;

/// <summary>
/// What the commands that talk to a running host share: <c>--url</c>, <c>--key</c> and <c>--json</c>, the HTTP client
/// (a test may hand in the transport: <see cref="CliApp.Run(string[], TextWriter, TextWriter, HttpMessageHandler?)"/>),
/// problem-detail errors, and Spectre.Console tables written to the command's output.
/// </summary>
internal sealed class HostConnection
{
    public const string DefaultUrl = "http://localhost:7071";
    public const string KeyVariable = "PRIVATEFLOWS_API_KEY";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public HostConnection(HttpMessageHandler? transport)
    {
        Transport = transport;
        Url = new Option<string>("--url") { Description = "the host's address", DefaultValueFactory = _ => DefaultUrl };
        Key = new Option<string?>("--key") { Description = $"API key, sent as X-Api-Key (default: ${KeyVariable}; none in the host's dev mode)" };
        Json = new Option<bool>("--json") { Description = "print the host's JSON instead of tables" };
    }

    public HttpMessageHandler? Transport { get; }

    public Option<string> Url { get; }

    public Option<string?> Key { get; }

    public Option<bool> Json { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Key);
        command.Options.Add(Json);
    }

    /// <summary>An HTTP client for the host named by <c>--url</c>, with the key from <c>--key</c> (or the environment).</summary>
    public HttpClient Client(ParseResult parse, string? key = null)
    {
        var url = parse.GetValue(Url) ?? DefaultUrl;
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new CliException($"--url: '{url}' is not an http(s) address");
        }

        var client = Transport is null ? new HttpClient() : new HttpClient(Transport, disposeHandler: false);
        client.BaseAddress = baseAddress;
        client.Timeout = TimeSpan.FromMinutes(30); // advancing the clock by months fires many timers
        key ??= parse.GetValue(Key) ?? Environment.GetEnvironmentVariable(KeyVariable);
        if (!string.IsNullOrWhiteSpace(key)) client.DefaultRequestHeaders.Add("X-Api-Key", key.Trim());
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>Sends a request and reads a JSON answer; a non-success status becomes a <see cref="CliException"/> with the problem detail.</summary>
    public static async Task<JsonNode?> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach the host at {client.BaseAddress}: {e.Message} (is it running? start it with: dotnet run --project functions/PrivateFlows.Host)");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) throw new CliException(Problem(request, response, text), (int)response.StatusCode);
            if (string.IsNullOrWhiteSpace(text)) return null;
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException e)
            {
                throw new CliException($"{request.Method} {request.RequestUri}: the host answered something that is not JSON: {e.Message}");
            }
        }
    }

    public static Task<JsonNode?> GetAsync(HttpClient client, string path, CancellationToken cancellationToken) =>
        SendAsync(client, new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public static Task<JsonNode?> PostJsonAsync(HttpClient client, string path, JsonNode body, CancellationToken cancellationToken, string contentType = "application/json") =>
        SendAsync(client, new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, contentType) }, cancellationToken);

    private static string Problem(HttpRequestMessage request, HttpResponseMessage response, string text)
    {
        var what = $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            if (JsonNode.Parse(text) is JsonObject problem)
            {
                var title = Text(problem["title"]);
                var detail = Text(problem["detail"]);
                var field = Text(problem["field"]);
                var message = new StringBuilder(what);
                if (title is not null) message.Append(" — ").Append(title);
                if (detail is not null) message.Append(": ").Append(detail);
                if (field is not null && field != "$") message.Append(" (field ").Append(field).Append(')');
                if (problem["diagnostics"] is JsonArray diagnostics)
                {
                    foreach (var d in diagnostics) message.Append('\n').Append("  ").Append(Text(d));
                }

                return message.ToString();
            }
        }
        catch (JsonException)
        {
            // not a problem document
        }

        return string.IsNullOrWhiteSpace(text) ? what : $"{what}: {text}";
    }

    /// <summary>Runs a command body: a <see cref="CliException"/> prints its message and exits 1 (2 when the host refused the key).</summary>
    public static async Task<int> RunAsync(CliOutput output, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await output.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return e.Status is 401 or 403 ? 2 : 1;
        }
        catch (TaskCanceledException)
        {
            await output.Error.WriteLineAsync("the host did not answer in time").ConfigureAwait(false);
            return 1;
        }
    }

    public static void WriteJson(CliOutput output, JsonNode? node) => output.Out.WriteLine(node?.ToJsonString(Indented) ?? "null");

    /// <summary>A Spectre.Console console writing to the command's output: colours on a terminal, plain text otherwise (files, tests).</summary>
    public static IAnsiConsole Console(CliOutput output)
    {
        var terminal = ReferenceEquals(output.Out, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output.Out),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = terminal ? Math.Max(80, SafeWindowWidth()) : 200;
        return console;
    }

    private static int SafeWindowWidth()
    {
        try
        {
            return System.Console.WindowWidth;
        }
        catch (IOException)
        {
            return 160;
        }
    }

    public static Table Table(string? title, params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null) table.Title(title);
        foreach (var column in columns) table.AddColumn(new TableColumn(Markup.Escape(column)));
        return table;
    }

    public static void Row(Table table, params string?[] cells) => table.AddRow(cells.Select(c => (IRenderable)new Text(c ?? "")).ToArray());

    public static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    /// <summary>An ISO time from the host, shown as <c>yyyy-MM-dd HH:mm</c> UTC (or in <paramref name="zone"/>).</summary>
    public static string Time(JsonNode? node, string? zone = null)
    {
        var text = Text(node);
        if (text is null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return text ?? "";
        if (zone is not null)
        {
            try
            {
                var local = Workflows.Engine.CustomerClock.ToLocal(time, zone);
                return local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            }
            catch (ArgumentException)
            {
                // unknown zone: UTC below
            }
        }

        return time.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
    }
}

/// <summary>A failure a command reports in one message (exit code 1, or 2 for a refused key).</summary>
internal sealed class CliException(string message, int? status = null) : Exception(message)
{
    public int? Status { get; } = status;
}
