using PrivateFlows.Workflows.Language;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Templates;

/// <summary>Renders a journey's message template for a customer's locale; marketing messages go through the shared <c>_marketing</c> partial.</summary>
public static class MessageRenderer
{
    public const string MarketingPartial = "_marketing";

    public static RenderedMessage Render(JourneyVersion journey, string template, SendCategory category, string? locale, ScriptObject model)
    {
        if (!journey.Templates.TryGetValue(template, out var locales))
        {
            throw new TemplateException($"template '{template}' is not part of journey '{journey.Name}'");
        }

        var chosen = LocaleChoice.Choose(locale, locales.Keys.ToList())!;
        var source = locales[chosen];
        var (subjectText, bodyText, _) = FrontMatter.Split(source.Text);
        var name = string.IsNullOrEmpty(source.Path) ? $"{template}.{chosen}" : source.Path;
        var body = TemplateSandbox.Render(bodyText, model, name).Trim();
        var subject = subjectText is null ? null : TemplateSandbox.Render(subjectText, model, name).Trim();
        if (category == SendCategory.Marketing && journey.Templates.TryGetValue(MarketingPartial, out var partials))
        {
            var partial = partials[LocaleChoice.Choose(chosen, partials.Keys.ToList())!];
            var wrapperModel = new ScriptObject();
            wrapperModel.Import(model);
            wrapperModel["body"] = body;
            wrapperModel["subject"] = subject;
            var (partialSubject, partialBody, _) = FrontMatter.Split(partial.Text);
            var partialName = partial.Path.Length > 0 ? partial.Path : MarketingPartial;
            body = TemplateSandbox.Render(partialBody, wrapperModel, partialName).Trim();
            // The partial labels the subject too (e.g. 【广告】 in commercial email subjects), but only when there is one.
            if (subject is not null && partialSubject is not null) subject = TemplateSandbox.Render(partialSubject, wrapperModel, partialName).Trim();
        }

        return new RenderedMessage(subject, body, chosen);
    }
}
