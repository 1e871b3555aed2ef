using System.Diagnostics;
using System.Text.RegularExpressions;
using PrivateFlows.Infrastructure.Tests.Support;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>
/// A newcomer's first run: the README's test command sets up what the tests need on a fresh clone, and the README and
/// the one-minute walk-through agree.
/// </summary>
public sealed partial class QuickStartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Test_sh_is_valid_bash()
    {
        var result = Run("bash", ["-n", Repo.PathOf("test.sh")], Repo.Root);
        result.ExitCode.Should().Be(0, result.ToString());
    }

    [Fact]
    public void Test_sh_runs_npm_ci_in_every_test_folder_whose_node_modules_is_missing_or_stale()
    {
        var root = Directory.CreateTempSubdirectory("privateflows-quickstart-").FullName;
        try
        {
            File.Copy(Repo.PathOf("test.sh"), Path.Combine(root, "test.sh"));
            var hour = DateTime.UtcNow.AddHours(-1);
            Lock(root, "tests/fresh/emulator", hour, installedAt: hour.AddMinutes(5));
            var stale = Lock(root, "tests/stale/emulator", hour, installedAt: hour.AddMinutes(-5));
            var missing = Lock(root, "tests/missing/server", hour, installedAt: null);
            Lock(root, "tests/missing/server/node_modules/some-package", hour, installedAt: null); // a dependency's own lock file

            // A stand-in npm that only records where it ran and with what.
            var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
            var log = Path.Combine(root, "npm.log");
            File.WriteAllText(Path.Combine(bin, "npm"), "#!/bin/sh\necho \"$(pwd) $*\" >> \"$NPM_LOG\"\n");
            File.SetUnixFileMode(Path.Combine(bin, "npm"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var result = Run("bash", ["test.sh", "--setup-only"], root, new()
            {
                ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
                ["NPM_LOG"] = log,
            });

            result.ExitCode.Should().Be(0, result.ToString());
            var calls = File.Exists(log) ? File.ReadAllLines(log) : [];
            calls.Should().BeEquivalentTo(
                [$"{missing} ci --no-audit --no-fund --loglevel=error", $"{stale} ci --no-audit --no-fund --loglevel=error"],
                "npm ci runs where node_modules is missing or older than package-lock.json, and nowhere else");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void The_readme_links_the_one_minute_walk_through_and_both_start_the_virtual_clock_at_the_same_instant()
    {
        var readme = Repo.ReadText("README.md");
        var walkThrough = Repo.ReadText("docs", "try-in-one-minute.md");

        readme.Should().Contain("(docs/try-in-one-minute.md)");

        var readmeStarts = ClockStart().Matches(readme).Select(m => m.Groups[1].Value).Distinct().ToList();
        var walkThroughStarts = ClockStart().Matches(walkThrough).Select(m => m.Groups[1].Value).Distinct().ToList();
        readmeStarts.Should().ContainSingle("the README starts the virtual clock once");
        walkThroughStarts.Should().Equal(readmeStarts);

        // What the clock answers first in the walk-through is that start.
        var start = DateTimeOffset.Parse(readmeStarts[0], System.Globalization.CultureInfo.InvariantCulture);
        var firstNow = FirstNow().Match(walkThrough);
        firstNow.Success.Should().BeTrue();
        DateTimeOffset.Parse(firstNow.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).Should().Be(start);
    }

    /// <summary>A package-lock.json written at <paramref name="lockedAt"/>, and npm's node_modules/.package-lock.json when installed.</summary>
    private static string Lock(string root, string folder, DateTime lockedAt, DateTime? installedAt)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, folder)).FullName;
        var lockFile = Path.Combine(dir, "package-lock.json");
        File.WriteAllText(lockFile, "{}");
        File.SetLastWriteTimeUtc(lockFile, lockedAt);
        if (installedAt is { } at)
        {
            var installed = Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "node_modules")).FullName, ".package-lock.json");
            File.WriteAllText(installed, "{}");
            File.SetLastWriteTimeUtc(installed, at);
        }

        return dir;
    }

    private static ProcessResult Run(string file, string[] arguments, string directory, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {Timeout}");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"--clock-start\s+(\d{4}-\d{2}-\d{2}T[0-9:]+Z)")]
    private static partial Regex ClockStart();

    [GeneratedRegex(@"""now"":\s*""([^""]+)""")]
    private static partial Regex FirstNow();
}
