using Microsoft.Playwright;

namespace PrivateFlows.Dashboard.Tests.Support;

/// <summary>
/// One host and one Debian Chromium (driven by Playwright, never downloaded) for the whole suite; each test opens its
/// own browser context at 1366×768, the laptop screen the dashboard is laid out for.
/// </summary>
public class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public DashboardHost Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Configuration the host starts with (environment variables).</summary>
    protected virtual IReadOnlyDictionary<string, string>? HostSettings => null;

    public static string ScreenshotFolder => Path.Combine(Repo.Root, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: the dashboard tests drive Debian's Chromium and never download a browser. Install it with `apt-get update && apt-get install -y chromium` (.ci/run does).");
        }

        Directory.CreateDirectory(ScreenshotFolder);
        var hostTask = DashboardHost.StartAsync(HostSettings);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
        try
        {
            Host = await hostTask;
        }
        catch
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh page; with <paramref name="withKey"/> the API key is already in localStorage, as after typing it once.</summary>
    public async Task<IPage> NewPageAsync(bool withKey = true, string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = locale,
            BaseURL = Host.BaseUrl,
            TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(15_000);
        if (withKey)
        {
            await context.AddInitScriptAsync($"localStorage.setItem('privateflows.apiKey', '{DashboardHost.DashboardKey}');");
        }

        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) =>
        {
            // HTTP errors the pages expect (401 before a key, 400 for an invalid journey, 404s) are logged by the browser as resources.
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) errors.Add(m.Text);
        };
        PageErrors[page] = errors;
        return page;
    }

    /// <summary>JavaScript errors a page raised (uncaught exceptions and console errors other than failed HTTP requests).</summary>
    public Dictionary<IPage, List<string>> PageErrors { get; } = [];

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png") });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}

/// <summary>
/// The same, with the host on the virtual clock started at <see cref="Start"/>, months away from this computer's clock,
/// so any time the dashboard measures from the browser's clock instead of the host's is far off.
/// </summary>
public sealed class VirtualClockFixture : DashboardFixture
{
    public static readonly DateTimeOffset Start = new(2025, 3, 2, 1, 0, 0, TimeSpan.Zero);

    protected override IReadOnlyDictionary<string, string> HostSettings => new Dictionary<string, string>
    {
        ["PrivateFlows__Clock"] = "Virtual",
        ["PrivateFlows__ClockStart"] = Start.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };
}

[CollectionDefinition(Name)]
public sealed class VirtualClockCollection : ICollectionFixture<VirtualClockFixture>
{
    public const string Name = "dashboard on the virtual clock";
}
