using System.CommandLine;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Cli.Commands;

/// <summary><c>render</c>: preview one message template for a customer.</summary>
public static class RenderCommand
{
    public static Command Create(CliOutput output)
    {
        var template = new Argument<string>("template") { Description = "template file (templates/name.locale.sbn) or template name" };
        var customer = new Option<string>("--customer") { Description = "customer profile JSON file", Required = true };
        var @event = new Option<string?>("--event") { Description = "the event (CloudEvents JSON) the message reacts to" };
        var locale = new Option<string?>("--locale") { Description = "zh-CN or en (default: the customer's)" };
        var marketing = new Option<bool>("--marketing") { Description = "wrap with the advertising label and unsubscribe hint" };
        var templates = new Option<string>("--templates") { Description = "templates folder", DefaultValueFactory = _ => "workflows/journeys/templates" };
        var vars = new Option<string[]>("--var") { Description = "a sample instance variable, name=value (repeatable), e.g. --var coupon_amount=20" };
        var journey = new Option<string?>("--journey") { Description = "take sample variables (e.g. the coupon) from this journey's steps (default: the journey beside the templates folder that sends this template)" };
        var command = new Command("render", "Preview a message template") { template, customer, @event, locale, marketing, templates, vars, journey };
        command.SetAction(parse => Run(parse.GetValue(template)!, parse.GetValue(customer)!, parse.GetValue(@event), parse.GetValue(locale), parse.GetValue(marketing), parse.GetValue(templates)!, output, parse.GetValue(vars) ?? [], parse.GetValue(journey)));
        return command;
    }

    public static int Run(string template, string customerPath, string? eventPath, string? locale, bool marketing, string templatesFolder, CliOutput output) =>
        Run(template, customerPath, eventPath, locale, marketing, templatesFolder, output, [], null);

    public static int Run(string template, string customerPath, string? eventPath, string? locale, bool marketing, string templatesFolder, CliOutput output, IReadOnlyList<string> vars, string? journeyPath)
    {
        try
        {
            var profile = CustomerProfileReader.Read(File.ReadAllText(customerPath));
            CustomerEvent? e = null;
            if (eventPath is not null)
            {
                var read = CloudEventReader.Read(File.ReadAllText(eventPath));
                if (!read.Ok)
                {
                    output.Error.WriteLine($"{eventPath}: {read.Field}: {read.Error}");
                    return 1;
                }

                e = read.Event;
            }

            var folder = File.Exists(template) ? Path.GetDirectoryName(template)! : templatesFolder;
            var name = File.Exists(template) ? string.Join('.', Path.GetFileNameWithoutExtension(template).Split('.')[..^1]) : template;
            var wantedLocale = locale ?? (File.Exists(template) ? Path.GetFileNameWithoutExtension(template).Split('.')[^1] : profile.Locale);
            var sources = JourneyLoader.ReadTemplates(folder).Where(t => t.Name == name || t.Name == MessageRenderer.MarketingPartial).ToList();
            if (!sources.Any(t => t.Name == name))
            {
                output.Error.WriteLine($"template '{name}' not found in {folder}");
                return 1;
            }

            var journey = JourneyVersion.Create(new JourneyDefinition { Name = "preview", Entry = new EntrySpec([], null, null, ReentryPolicy.Always, default) }, "", sources);
            var model = ScriptModel.For(profile, e, null, e?.Time ?? DateTimeOffset.UnixEpoch);
            var sample = SampleVars.FromJourney(journeyPath, folder, name, profile, TimeProvider.System.GetUtcNow(), output);
            if (sample is null) return 1;
            foreach (var assignment in vars)
            {
                var equals = assignment.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    output.Error.WriteLine($"--var '{assignment}': use name=value, e.g. --var coupon_amount=20");
                    return 1;
                }

                sample[assignment[..equals]] = assignment[(equals + 1)..];
            }

            model["vars"] = sample;
            var message = MessageRenderer.Render(journey, name, marketing ? SendCategory.Marketing : SendCategory.Transactional, wantedLocale, model);
            if (message.Subject is not null) output.Out.WriteLine($"Subject: {message.Subject}");
            output.Out.WriteLine(message.Body);
            var source = sources.First(t => t.Name == name && t.Locale == message.Locale);
            foreach (var blank in BlankValues.Find(source.Text, model))
            {
                var hint = blank.Name.StartsWith("vars.", StringComparison.Ordinal)
                    ? $"pass --var {blank.Name[5..]}=<value>, or --journey <the journey that sends it>"
                    : blank.Name.StartsWith("event.", StringComparison.Ordinal) || blank.Name.StartsWith("entry.", StringComparison.Ordinal)
                        ? "pass an event with --event"
                        : "the customer file has no value for it";
                output.Error.WriteLine($"{SourceName(source)}:{blank.Line}:{blank.Column}: warning: {blank.Name} rendered blank; {hint}");
            }

            return 0;
        }
        catch (TemplateException ex)
        {
            output.Error.WriteLine(ex.Message);
            return 1;
        }
        catch (Exception ex) when (ex is IOException or FormatException or System.Text.Json.JsonException)
        {
            output.Error.WriteLine(ex.Message);
            return 1;
        }
    }

    private static string SourceName(TemplateSource source) => source.Path.Length > 0 ? source.Path : $"{source.Name}.{source.Locale}.sbn";
}
