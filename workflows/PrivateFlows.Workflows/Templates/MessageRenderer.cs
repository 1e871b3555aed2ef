using PrivateFlows.Workflows.Language;
using System.Runtime.CompilerServices;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Templates;

/// <summary>Renders a journey's message template for a customer's locale; marketing messages go through the shared <c>_marketing</c> partial.</summary>
public static class MessageRenderer
{
    public const string MarketingPartial = "_marketing";

    /// <param name="channel">Cuts the body to the channel's limit (<see cref="MessageLimits"/>) before the marketing partial wraps it; null: the email limit.</param>
    public static RenderedMessage Render(JourneyVersion journey, string template, SendCategory category, string? locale, ScriptObject model, string? channel = null) =>
        Render(journey, template, category, locale, _ => model, channel);

    /// <summary>
    /// Renders with a model built for what the templates involved read (<see cref="TemplateReads"/>): one model for
    /// all of them, as with a given model, so what one template leaves in it the next still sees.
    /// </summary>
    internal static RenderedMessage Render(JourneyVersion journey, string template, SendCategory category, string? locale, Func<TemplateReads, ScriptObject> buildModel, string? channel = null)
    {
        if (!journey.Templates.TryGetValue(template, out var locales))
        {
            throw new TemplateException($"template '{template}' is not part of journey '{journey.Name}'");
        }

        var chosen = LocaleChoice.Choose(locale, locales.Keys.ToList())!;
        var prepared = Prepare(locales[chosen]);
        var (subjectText, bodyText, _) = prepared.Parts;
        // Named relative to the journeys folder: error messages (history, API) never show a server path.
        var name = $"{JourneyLoader.TemplateFolder}/{template}.{chosen}.sbn";
        var partials = category == SendCategory.Marketing ? journey.Templates.GetValueOrDefault(MarketingPartial) : null;
        var model = buildModel(prepared.Reads(partials, chosen, name));
        var body = MessageLimits.Cut(TemplateSandbox.Render(bodyText, model, name).Trim(), MessageLimits.Body(channel))!;
        var subject = subjectText is null ? null : MessageLimits.Cut(TemplateSandbox.Render(subjectText, model, name).Trim(), MessageLimits.Subject);
        if (partials is not null)
        {
            var partialLocale = LocaleChoice.Choose(chosen, partials.Keys.ToList())!;
            var partial = partials[partialLocale];
            var wrapperModel = new ScriptObject();
            wrapperModel.Import(model);
            wrapperModel["body"] = body;
            wrapperModel["subject"] = subject;
            var (partialSubject, partialBody, _) = Prepare(partial).Parts;
            var partialName = $"{JourneyLoader.TemplateFolder}/{MarketingPartial}.{partialLocale}.sbn";
            body = TemplateSandbox.Render(partialBody, wrapperModel, partialName).Trim();
            // The partial labels the subject too (e.g. 【广告】 in commercial email subjects), but only when there is one.
            if (subject is not null && partialSubject is not null) subject = TemplateSandbox.Render(partialSubject, wrapperModel, partialName).Trim();
        }

        return new RenderedMessage(subject, body, chosen);
    }

    // Templates are immutable once loaded: each is split, and what it reads found, once, not per message.
    private static readonly ConditionalWeakTable<TemplateSource, PreparedTemplate> Prepared = new();

    private static PreparedTemplate Prepare(TemplateSource source) => Prepared.GetValue(source, static s => new PreparedTemplate(s));

    private sealed class PreparedTemplate(TemplateSource source)
    {
        public (string? Subject, string Body, int BodyLineOffset) Parts { get; } = FrontMatter.Split(source.Text);

        // What the message reads with the partials that wrapped it last (a journey version has one set), so a send
        // does not look its templates up again. Replaced whole: a race only computes it twice.
        private Tuple<object?, string, TemplateReads>? _reads;

        public TemplateReads Reads(IReadOnlyDictionary<string, TemplateSource>? partials, string chosen, string name)
        {
            if (_reads is { } last && ReferenceEquals(last.Item1, partials) && last.Item2 == chosen) return last.Item3;
            var reads = Find(partials, chosen, name);
            _reads = Tuple.Create<object?, string, TemplateReads>(partials, chosen, reads);
            return reads;
        }

        private TemplateReads Find(IReadOnlyDictionary<string, TemplateSource>? partials, string chosen, string name)
        {
            var (subjectText, bodyText, _) = Parts;
            var reads = TemplateSandbox.Reads(bodyText, expression: false, name);
            if (subjectText is not null) reads = reads.Union(TemplateSandbox.Reads(subjectText, expression: false, name));
            if (partials is null) return reads;
            var partialLocale = LocaleChoice.Choose(chosen, partials.Keys.ToList());
            if (partialLocale is null) return TemplateReads.Everything; // rendering reports what is wrong, where it always did
            var (partialSubject, partialBody, _) = Prepare(partials[partialLocale]).Parts;
            var partialName = $"{JourneyLoader.TemplateFolder}/{MarketingPartial}.{partialLocale}.sbn";
            reads = reads.Union(TemplateSandbox.Reads(partialBody, expression: false, partialName));
            return subjectText is not null && partialSubject is not null ? reads.Union(TemplateSandbox.Reads(partialSubject, expression: false, partialName)) : reads;
        }
    }
}
