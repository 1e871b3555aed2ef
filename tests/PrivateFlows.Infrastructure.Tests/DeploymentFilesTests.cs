using System.IO.Compression;
using PrivateFlows.Infrastructure.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>azure.yaml, infra/main.parameters.json and scripts/publish.sh fit together.</summary>
[Collection(BicepCollection.Name)]
public sealed class DeploymentFilesTests(BicepFixture bicep)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void Azure_yaml_deploys_the_published_folder_to_the_function_app()
    {
        var root = LoadYaml(Repo.PathOf("azure.yaml"));
        Scalar(root, "name").Should().Be("privateflows");
        var api = (YamlMappingNode)((YamlMappingNode)root["services"])["api"];
        Scalar(api, "host").Should().Be("function");
        Scalar(api, "language").Should().Be("custom", "azd deploys a prebuilt 'dist' folder for custom languages");
        Scalar(api, "dist").Should().Be("artifacts/functionapp");
        var prepackage = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)api["hooks"])["prepackage"])["posix"];
        Scalar(prepackage, "run").Should().Be("./scripts/publish.sh artifacts/functionapp");
    }

    [Fact]
    public void Main_parameters_map_the_azd_environment()
    {
        var parameters = Repo.ReadJson("infra", "main.parameters.json")["parameters"]!.AsObject();
        parameters["environmentName"]!["value"]!.GetValue<string>().Should().Be("${AZURE_ENV_NAME}");
        parameters["location"]!["value"]!.GetValue<string>().Should().Be("${AZURE_LOCATION}");

        var declared = bicep.RequireTemplate()["parameters"]!.AsObject();
        parameters.Select(p => p.Key).Should().OnlyContain(name => declared.ContainsKey(name));
        declared.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key)
            .Should().OnlyContain(name => parameters.ContainsKey(name), "every required parameter comes from the azd environment");
    }

    [Fact]
    public void Publish_script_is_executable_and_valid_bash()
    {
        var script = Repo.PathOf("scripts", "publish.sh");
        File.GetUnixFileMode(script).Should().HaveFlag(UnixFileMode.UserExecute);
        var check = ProcessRunner.Run("bash", ["-n", script], Repo.Root, ScriptTimeout);
        check.ExitCode.Should().Be(0, check.ToString());
    }

    [Fact]
    public void Publish_script_lays_out_host_json_function_folders_and_the_executable()
    {
        using var sandbox = new PublishSandbox(assemblyName: "PrivateFlows.Functions.Host");
        var result = sandbox.Run("artifacts/functionapp");
        result.ExitCode.Should().Be(0, result.ToString());

        var output = sandbox.PathOf("artifacts", "functionapp");
        File.ReadAllText(Path.Combine(output, "host.json")).Should().Be(Repo.ReadText("functions", "host.json"));
        foreach (var function in new[] { "ProcessCustomerEvent", "FireDueTimers", "Api" })
        {
            File.ReadAllText(Path.Combine(output, function, "function.json"))
                .Should().Be(Repo.ReadText("functions", function, "function.json"));
        }

        var executable = Path.Combine(output, "PrivateFlows.Functions");
        File.Exists(executable).Should().BeTrue("the apphost is renamed to host.json's defaultExecutablePath");
        File.GetUnixFileMode(executable).Should().HaveFlag(UnixFileMode.UserExecute);
        File.Exists(Path.Combine(output, "appsettings.json")).Should().BeTrue("files published beside the executable are kept");
        Directory.Exists(Path.Combine(output, "PrivateFlows.Functions")).Should().BeFalse();

        sandbox.DotnetCalls().Should().Contain(call =>
            call.StartsWith("publish ", StringComparison.Ordinal)
            && call.Contains("--runtime linux-x64", StringComparison.Ordinal)
            && call.Contains("--self-contained true", StringComparison.Ordinal)
            && call.Contains("-p:PublishSingleFile=true", StringComparison.Ordinal)
            && call.Contains("PrivateFlows.Functions.csproj", StringComparison.Ordinal));

        using var zip = ZipFile.OpenRead(sandbox.PathOf("artifacts", "functionapp.zip"));
        var entry = zip.GetEntry("PrivateFlows.Functions");
        entry.Should().NotBeNull();
        var mode = (entry!.ExternalAttributes >> 16) & 0x1FF;
        (mode & 0x40).Should().NotBe(0, "the zip keeps the owner-execute bit so the Functions host can start the handler");
        zip.GetEntry("host.json").Should().NotBeNull();
        zip.GetEntry("ProcessCustomerEvent/function.json").Should().NotBeNull();
    }

    [Fact]
    public void Publish_script_fails_clearly_without_the_host_project()
    {
        using var sandbox = new PublishSandbox(assemblyName: null);
        var result = sandbox.Run("artifacts/functionapp");
        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("PrivateFlows.Functions.csproj");
    }

    private static YamlMappingNode LoadYaml(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    /// <summary>
    /// A scratch copy of scripts/publish.sh and functions/*.json with a fake `dotnet` first on PATH that
    /// records its arguments and "publishes" an apphost plus a side file, so the layout logic is tested
    /// in milliseconds without building the host project.
    /// </summary>
    private sealed class PublishSandbox : IDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("privateflows-publish-").FullName;

        public PublishSandbox(string? assemblyName)
        {
            Directory.CreateDirectory(PathOf("scripts"));
            File.Copy(Repo.PathOf("scripts", "publish.sh"), PathOf("scripts", "publish.sh"));
            File.Copy(Repo.PathOf("functions", "host.json"), PathOf("functions", "host.json").EnsureDirectory());
            foreach (var function in Repo.FunctionJsonFiles())
            {
                var name = Path.GetFileName(Path.GetDirectoryName(function))!;
                File.Copy(function, PathOf("functions", name, "function.json").EnsureDirectory());
            }

            if (assemblyName is not null)
            {
                File.WriteAllText(PathOf("functions", "PrivateFlows.Functions", "PrivateFlows.Functions.csproj").EnsureDirectory(), "<Project />");
            }

            var fakeDotnet = PathOf("bin", "dotnet").EnsureDirectory();
            File.WriteAllText(fakeDotnet, $$"""
                #!/usr/bin/env bash
                echo "$*" >> "{{PathOf("dotnet-calls.log")}}"
                if [ "$1" = "msbuild" ]; then echo "{{assemblyName}}"; exit 0; fi
                if [ "$1" = "publish" ]; then
                  out=""
                  while [ $# -gt 0 ]; do if [ "$1" = "--output" ]; then out="$2"; fi; shift; done
                  mkdir -p "$out"
                  printf '#!/bin/sh\necho host\n' > "$out/{{assemblyName}}"
                  chmod 755 "$out/{{assemblyName}}"
                  echo '{}' > "$out/appsettings.json"
                  exit 0
                fi
                exit 2
                """.Replace("\r\n", "\n", StringComparison.Ordinal));
            File.SetUnixFileMode(fakeDotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public string PathOf(params string[] relative) => Path.Combine([_root, .. relative]);

        public ProcessResult Run(string outputDirectory)
        {
            var path = $"{PathOf("bin")}:{Environment.GetEnvironmentVariable("PATH")}";
            return ProcessRunner.Run(
                "env",
                [$"PATH={path}", "bash", PathOf("scripts", "publish.sh"), outputDirectory],
                _root,
                ScriptTimeout);
        }

        public IReadOnlyList<string> DotnetCalls() =>
            File.Exists(PathOf("dotnet-calls.log")) ? File.ReadAllLines(PathOf("dotnet-calls.log")) : [];

        public void Dispose()
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }
}

internal static class PathExtensions
{
    public static string EnsureDirectory(this string filePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
        return filePath;
    }
}
