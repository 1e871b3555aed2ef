using System.ComponentModel;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Cosmos.Tests.Support;

/// <summary>
/// A local Cosmos DB for the tests: <c>node emulator/proxy.js</c> runs the in-memory <c>@vercel/cosmosdb-server</c>
/// behind the proxy that answers query plans and turns its "missing item" 500 into 404, on a free loopback port
/// (HTTPS, self-signed). The package comes from <c>npm ci</c> in the emulator folder (<c>.ci/run</c> does it). A
/// missing Node.js or package fails the tests with a message saying what to install; they never skip.
/// Everything is in memory: the emulator must outlive whatever is restarted during a test.
/// </summary>
public sealed partial class CosmosEmulator : IAsyncLifetime
{
    /// <summary>The well-known key of the Cosmos DB emulators (not a secret; the server accepts any key).</summary>
    public const string Key = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private readonly StringBuilder _log = new();
    private Process? _process;
    private CosmosClient? _client;

    public static string Folder => Path.Combine(Paths.Repository, "tests", "PrivateFlows.Runtime.Cosmos.Tests", "emulator");

    public Uri Endpoint { get; private set; } = null!;

    public CosmosClient Client => _client ?? throw new InvalidOperationException("the emulator is not started");

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");
        var folder = Folder;
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "@vercel", "cosmosdb-server")))
        {
            throw new InvalidOperationException(
                $"The Cosmos DB emulator package is not installed: run `npm ci` in {folder} (.ci/run does this for every tests/**/package-lock.json).");
        }

        var info = new ProcessStartInfo("node", ["proxy.js", "--port", "0", "--host", "127.0.0.1"])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "Node.js (`node`) is not on PATH: the Cosmos DB store tests run the local emulator with it. Install Node.js and npm (Debian: apt-get install nodejs npm; .ci/run does), then `npm ci` in " + folder, e);
        }

        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Append(e.Data);
            var match = Listening().Match(e.Data);
            if (match.Success) ready.TrySetResult(new Uri(match.Groups[1].Value));
        };
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"the emulator exited with {_process.ExitCode}:\n{Log}"));
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            Endpoint = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the Cosmos DB emulator did not start within 30 s:\n{Log}");
        }

        _client = CosmosClientFactory.Create(Options("warm-up"));
    }

    /// <summary>Settings for a store on its own database of this emulator (created on first use).</summary>
    public CosmosOptions Options(string database) => new()
    {
        Endpoint = Endpoint.ToString(),
        Key = Key,
        Database = database,
        CreateContainers = true,
    };

    /// <summary>A read model on a fresh database of this emulator.</summary>
    public CosmosCustomerReadModel OpenReadModel(TimeProvider clock, string? database = null, IMeterFactory? meters = null)
    {
        meters ??= new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new CosmosCustomerReadModel(Client, Microsoft.Extensions.Options.Options.Create(Options(database ?? "db-" + Guid.NewGuid().ToString("N")[..12])), clock,
            new CosmosTelemetry(meters, NullLogger<CosmosTelemetry>.Instance), NullLogger<CosmosCustomerReadModel>.Instance);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_log.Length < 100_000) _log.AppendLine(line);
        }
    }

    public Task DisposeAsync()
    {
        _client?.Dispose();
        if (_process is not null)
        {
            try
            {
                _process.StandardInput.Close(); // proxy.js exits when its stdin closes
                if (!_process.WaitForExit(5_000)) _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            _process.Dispose();
        }

        return Task.CompletedTask;
    }

    [GeneratedRegex(@"listening on (https://\S+)")]
    private static partial Regex Listening();
}
