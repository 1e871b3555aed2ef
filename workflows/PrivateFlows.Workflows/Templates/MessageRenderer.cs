using PrivateFlows.Workflows.Language;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Templates;

/// <summary>Renders a journey's message template for a customer's locale; marketing messages go through the shared <c>_marketing</c> partial.</summary>
public static class MessageRenderer
{
    public const string MarketingPartial = "_marketing";

    /// <param name="channel">Cuts the body to the channel's limit (<see cref="MessageLimits"/>) before the marketing partial wraps it; null: the email limit.</param>
    public static RenderedMessage Render(JourneyVersion journey, string template, SendCategory category, string? locale, ScriptObject model, string? channel = null)
    {
        if (!journey.Templates.TryGetValue(template, out var locales))
        {
            throw new TemplateException($"template '{template}' is not part of journey '{journey.Name}'");
        }

        var chosen = LocaleChoice.Choose(locale, locales.Keys.ToList())!;
        var source = locales[chosen];
        var (subjectText, bodyText, _) = FrontMatter.Split(source.Text);
        // Named relative to the journeys folder: error messages (history, API) never show a server path.
        var name = $"{JourneyLoader.TemplateFolder}/{template}.{chosen}.sbn";
        var body = MessageLimits.Cut(TemplateSandbox.Render(bodyText, model, name).Trim(), MessageLimits.Body(channel))!;
        var subject = subjectText is null ? null : MessageLimits.Cut(TemplateSandbox.Render(subjectText, model, name).Trim(), MessageLimits.Subject);
        if (category == SendCategory.Marketing && journey.Templates.TryGetValue(MarketingPartial, out var partials))
        {
            var partialLocale = LocaleChoice.Choose(chosen, partials.Keys.ToList())!;
            var partial = partials[partialLocale];
            var wrapperModel = new ScriptObject();
            wrapperModel.Import(model);
            wrapperModel["body"] = body;
            wrapperModel["subject"] = subject;
            var (partialSubject, partialBody, _) = FrontMatter.Split(partial.Text);
            var partialName = $"{JourneyLoader.TemplateFolder}/{MarketingPartial}.{partialLocale}.sbn";
            body = TemplateSandbox.Render(partialBody, wrapperModel, partialName).Trim();
            // The partial labels the subject too (e.g. 【广告】 in commercial email subjects), but only when there is one.
            if (subject is not null && partialSubject is not null) subject = TemplateSandbox.Render(partialSubject, wrapperModel, partialName).Trim();
        }

        return new RenderedMessage(subject, body, chosen);
    }
}
