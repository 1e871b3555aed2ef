using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PrivateFlows.Infrastructure.Tests.Support;

/// <summary>Questions the tests ask of the compiled main.json: app settings, role assignments, module variables.</summary>
internal static partial class CompiledTemplate
{
    /// <summary>The nested template of a module (its parameters, variables, resources).</summary>
    public static JsonObject ModuleTemplate(JsonObject template, string module) =>
        (JsonObject)ArmTemplate.Module(template, module).Properties["template"]!;

    public static JsonNode? Variable(JsonObject template, string module, string variable) =>
        module == "main" ? template["variables"]?[variable] : ModuleTemplate(template, module)["variables"]?[variable];

    /// <summary>
    /// The Function App's app settings that are always set, and those set only under a condition
    /// (bicep compiles <c>union({...}, cond ? {...} : {})</c> into one expression; the first object literal is the unconditional part).
    /// </summary>
    public static (IReadOnlyDictionary<string, string> Always, IReadOnlyDictionary<string, string> Conditional) AppSettings(JsonObject template)
    {
        var config = ArmTemplate.OfType(template, "Microsoft.Web/sites/config")
            .Single(c => c.Name.Contains("'appsettings'", StringComparison.Ordinal));
        if (config.Node["properties"] is JsonObject literal)
        {
            return (literal.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal), new Dictionary<string, string>());
        }

        var expression = config.Node["properties"]!.GetValue<string>();
        var objects = ArmExpression.ObjectLiterals(expression);
        var conditional = objects.Skip(1).SelectMany(o => o).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        // union(createObject(...), variables('smtpSettings')): the variable holds the conditional part.
        foreach (Match variable in VariableCall().Matches(expression))
        {
            if (Variable(template, config.Module, variable.Groups["name"].Value) is JsonValue value && value.TryGetValue<string>(out var text))
            {
                foreach (var (key, setting) in ArmExpression.ObjectLiterals(text).SelectMany(o => o))
                {
                    conditional[key] = setting;
                }
            }
        }

        return (objects[0], conditional);
    }

    /// <summary>The secret name when <paramref name="value"/> is a Key Vault reference built by the functionapp module, else null.</summary>
    public static string? KeyVaultSecretName(JsonObject template, string value)
    {
        var match = KeyVaultReferenceCall().Match(value);
        if (!match.Success)
        {
            return null;
        }

        // The user function must really produce @Microsoft.KeyVault(VaultName=...;SecretName=...).
        var function = ModuleTemplate(template, "functionapp")["functions"]!.AsArray()
            .Select(n => n!["members"]?["keyVaultReference"]).Single(n => n is not null)!;
        var body = function["output"]!["value"]!.GetValue<string>();
        return body.Contains("@Microsoft.KeyVault(VaultName={0};SecretName={1})", StringComparison.Ordinal) ? match.Groups["secret"].Value : null;
    }

    /// <summary>The role definition GUID of an assignment (literal or through a module variable).</summary>
    public static string RoleGuid(JsonObject template, ArmResource assignment)
    {
        var id = assignment.Properties["roleDefinitionId"]!.GetValue<string>();
        var literal = Guid().Match(id);
        if (literal.Success)
        {
            return literal.Value;
        }

        var variable = VariableCall().Match(id);
        if (variable.Success)
        {
            return Variable(template, assignment.Module, variable.Groups["name"].Value)!.GetValue<string>();
        }

        throw new InvalidOperationException($"No role definition GUID in {id}");
    }

    /// <summary>Role assignments (Azure RBAC and Cosmos DB SQL) of every module.</summary>
    public static IReadOnlyList<ArmResource> RoleAssignments(JsonObject template) =>
        ArmTemplate.OfType(template, "Microsoft.Authorization/roleAssignments")
            .Concat(ArmTemplate.OfType(template, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"))
            .ToList();

    public static string PrincipalOf(ArmResource assignment) => assignment.Properties["principalId"]!.GetValue<string>();

    [GeneratedRegex(@"__bicep\.keyVaultReference\(parameters\('keyVaultName'\), '(?<secret>[a-z0-9-]+)'\)", RegexOptions.CultureInvariant)]
    private static partial Regex KeyVaultReferenceCall();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.CultureInvariant)]
    private static partial Regex Guid();

    [GeneratedRegex(@"variables\('(?<name>[A-Za-z0-9_]+)'\)", RegexOptions.CultureInvariant)]
    private static partial Regex VariableCall();
}
