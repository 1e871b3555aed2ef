using PrivateFlows.Durable.Api;

namespace PrivateFlows.Functions.Tests.Api;

/// <summary>The dashboard's files at /api/ui/: right content types, revalidated, nothing outside the folder.</summary>
public sealed class DashboardFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pf-dashboard-").FullName;
    private readonly string _secret;

    public DashboardFilesTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "www", "js", "pages"));
        File.WriteAllText(Path.Combine(_root, "www", "index.html"), "<!doctype html><title>PrivateFlows</title>");
        File.WriteAllText(Path.Combine(_root, "www", "js", "pages", "operations.js"), "export function render() {}");
        File.WriteAllText(Path.Combine(_root, "www", "notes.unknownext"), "x");
        _secret = Path.Combine(_root, "secret.json");
        File.WriteAllText(_secret, "{\"key\":\"do not serve\"}");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private DashboardFiles Files => new(Path.Combine(_root, "www"));

    [Fact]
    public async Task Serve_FolderWithSlash_ServesIndexAsHtmlRevalidated()
    {
        var request = ApiCalls.Request(path: "/api/ui/");

        var answer = await ApiCalls.ExecuteAsync(await Files.ServeAsync(request, null, CancellationToken.None), request);

        answer.Status.Should().Be(200);
        answer.ContentType.Should().Be("text/html");
        answer.Text.Should().Contain("PrivateFlows");
        answer.Headers.CacheControl.ToString().Should().Be("no-cache");
        answer.Headers.XContentTypeOptions.ToString().Should().Be("nosniff");
    }

    [Fact]
    public async Task Serve_FolderWithoutSlash_RedirectsSoRelativeLinksResolve()
    {
        var request = ApiCalls.Request(path: "/api/ui");

        var answer = await ApiCalls.ExecuteAsync(await Files.ServeAsync(request, null, CancellationToken.None), request);

        answer.Status.Should().Be(302);
        answer.Headers.Location.ToString().Should().Be("/api/ui/");
    }

    [Fact]
    public async Task Serve_Script_ServesJavaScript()
    {
        var request = ApiCalls.Request(path: "/api/ui/js/pages/operations.js");

        var answer = await ApiCalls.ExecuteAsync(await Files.ServeAsync(request, "js/pages/operations.js", CancellationToken.None), request);

        answer.Status.Should().Be(200);
        answer.ContentType.Should().Be("text/javascript");
        answer.Text.Should().Contain("render");
    }

    [Theory]
    [InlineData("../secret.json")]
    [InlineData("..%2fsecret.json")]
    [InlineData("..%2Fsecret.json")]
    [InlineData("%2e%2e%2fsecret.json")]
    [InlineData("%252e%252e%252fsecret.json")]
    [InlineData("js/../../secret.json")]
    [InlineData("..\\secret.json")]
    [InlineData("/etc/passwd")]
    [InlineData("js//pages/operations.js")]
    public async Task Serve_PathLeavingTheFolder_Answers404(string path)
    {
        File.Exists(_secret).Should().BeTrue();
        var request = ApiCalls.Request(path: "/api/ui/" + path);

        var answer = await ApiCalls.ExecuteAsync(await Files.ServeAsync(request, path, CancellationToken.None), request);

        answer.Status.Should().Be(404);
        answer.Text.Should().NotContain("do not serve");
    }

    [Theory]
    [InlineData("missing.js")]
    [InlineData("notes.unknownext")]
    [InlineData("js")]
    public async Task Serve_MissingOrUnknownType_Answers404(string path)
    {
        var request = ApiCalls.Request(path: "/api/ui/" + path);

        (await ApiCalls.ExecuteAsync(await Files.ServeAsync(request, path, CancellationToken.None), request)).Status.Should().Be(404);
    }

    [Fact]
    public void TheAppOutput_CarriesTheLocalHostsDashboard()
    {
        // Linked into the Functions app (its csproj) and so into this test's output with it.
        var files = new DashboardFiles(Path.Combine(AppContext.BaseDirectory, "wwwroot"));

        File.Exists(files.Resolve("index.html")).Should().BeTrue();
        File.Exists(files.Resolve("js/pages/operations.js")).Should().BeTrue();
    }
}
