using PrivateFlows.Infrastructure.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>azure.yaml and infra/main.parameters.json fit together.</summary>
[Collection(BicepCollection.Name)]
public sealed class DeploymentFilesTests(BicepFixture bicep)
{
    [Fact]
    public void Azure_yaml_deploys_the_published_folder_to_the_function_app()
    {
        var root = LoadYaml(Repo.PathOf("azure.yaml"));
        Scalar(root, "name").Should().Be("privateflows");
        var api = (YamlMappingNode)((YamlMappingNode)root["services"])["api"];
        Scalar(api, "host").Should().Be("function");
        Scalar(api, "language").Should().Be("dotnet", "azd builds and publishes the isolated worker project itself");
        Scalar(api, "project").Should().Be("./functions/PrivateFlows.Functions");
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

    private static YamlMappingNode LoadYaml(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

}
