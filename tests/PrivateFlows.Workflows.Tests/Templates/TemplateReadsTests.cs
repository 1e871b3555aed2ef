using System.Collections.Immutable;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Conditions;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Templates;

/// <summary>
/// A send builds only the parts of the model its templates read: whatever a template does, it must render exactly
/// as with the full model (the same text, or the same error).
/// </summary>
public class TemplateReadsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static readonly CustomerProfile Profile = People.LinXiao("c1") with
    {
        Tags = ["vip", "tea"],
        Attributes = ImmutableSortedDictionary<string, string>.Empty.Add("city", "上海"),
        Orders = new OrdersSummary(3, 900m, FirstAt: Now.AddDays(-90), LastAt: Now.AddDays(-10)),
        Points = 1200,
        RegisteredAt = Now.AddDays(-100),
    };

    private static readonly CustomerEvent Entry = Events.Registered("r1", Now.AddDays(-1), data: new JsonObject { ["channel"] = "app", ["campaign"] = "spring" });

    private static readonly CustomerEvent Order = Events.Order("o1", Now, amount: 88m);

    private static readonly JourneyInstance Instance = new()
    {
        InstanceId = "onboarding-1",
        CustomerId = "c1",
        Journey = "onboarding",
        Version = "v1",
        EntryEvent = Entry,
        StartedAt = Now.AddDays(-1),
        Variant = "b",
        Vars = ImmutableSortedDictionary<string, string>.Empty.Add("coupon_code", "FIRST20-AB").Add("coupon_amount", "20"),
    };

    public static TheoryData<string> Templates() =>
    [
        "{{ customer.name ?? 'there' }}, {{ vars.coupon_code }} ({{ vars.coupon_amount }}, {{ vars.missing }})",
        "{{ customer.orders.count }} {{ customer.rfm.group }} {{ customer.lifecycle }} [{{ customer.segments | array.join ',' }}]",
        "{{ customer.channels.sms.granted }} {{ customer.tags | array.size }} {{ customer.attributes.city }} {{ customer.referral_code }}",
        "{{ customer.loyalty.points_value }} {{ customer.activity.app_opens }} {{ customer.is_birthday_month }} {{ customer.registered_at }}",
        "{{ event.data.amount }} {{ event.type }} {{ entry.type }} {{ entry.data.campaign }} {{ entry.time }}",
        "{{ journey.name }}/{{ journey.version }} {{ vars.variant }} {{ now }} {{ date.now }}",
        "{{ for x in customer }}{{ x.key }};{{ end }}",
        "{{ customer | object.keys | array.join ',' }}",
        "{{ customer }}",
        "{{ entry }} {{ vars }} {{ journey }}",
        "{{ 'customer.email' | object.eval }}",
        "{{ o = object }}{{ 'customer.phone' | o.eval }}",
        "{{ this.customer.email }}",
        "{{ with customer }}{{ email }} {{ orders.total }}{{ end }}",
        "{{ customer['email'] }}",
        "{{ c = customer; c.phone }}",
        "{{ func f; ret customer.email; end; f }}",
        "{{ customer.name = 'Mallory' }}{{ customer.name }}",
        "{{ vars.note = 'set' }}{{ vars.note }}",
        "{{ customer.nothing.deeper }}",
        "{{ customer.nothing }}|{{ event.nothing }}|{{ vars.nothing }}",
        "{{ customer.name",
        "{{ for }}{{ customer.name }}",
    ];

    [Theory]
    [MemberData(nameof(Templates))]
    public void Render_WithTheModelTheTemplateReads_SameAsWithTheFullModel(string template)
    {
        foreach (var e in new[] { Order, null })
        {
            foreach (var instance in new[] { Instance, null })
            {
                var full = Outcome(() => TemplateSandbox.Render(template, ScriptModel.For(Profile, e, instance, Now, CustomerProgram.Default), "t.sbn"));
                var reads = TemplateSandbox.Reads(template, expression: false, "t.sbn");
                var partial = Outcome(() => TemplateSandbox.Render(template, ScriptModel.For(Profile, e, instance, Now, CustomerProgram.Default, reads), "t.sbn"));

                partial.Should().Be(full, $"event {e?.Type ?? "none"}, instance {instance?.InstanceId ?? "none"}");
            }
        }
    }

    [Fact]
    public void Render_EveryBuiltInMessage_SameAsWithTheFullModel()
    {
        var rendered = 0;
        foreach (var journey in BuiltIn.All)
        {
            foreach (var template in journey.Templates.Keys.Where(t => t != MessageRenderer.MarketingPartial))
            {
                foreach (var (locale, category) in new[] { ("zh-CN", SendCategory.Marketing), ("en", SendCategory.Marketing), ("en", SendCategory.Transactional) })
                {
                    var instance = Instance with { Journey = journey.Name };
                    var full = MessageRenderer.Render(journey, template, category, locale, ScriptModel.For(Profile, Order, instance, Now, CustomerProgram.Default), Channels.Sms);
                    var partial = MessageRenderer.Render(journey, template, category, locale, reads => ScriptModel.For(Profile, Order, instance, Now, CustomerProgram.Default, reads), Channels.Sms);

                    partial.Should().Be(full, $"{journey.Name}/{template}.{locale} ({category})");
                    rendered++;
                }
            }
        }

        rendered.Should().BeGreaterThan(30);
    }

    [Fact]
    public void Reads_CouponText_OnlyTheNameAndTheCouponVariables()
    {
        var coupon = BuiltIn.Journey(BuiltIn.Onboarding).Templates["onboarding-coupon"]["en"].Text;

        var reads = TemplateSandbox.Reads(coupon, expression: false, "coupon.sbn");

        reads.IsEverything.Should().BeFalse();
        reads.Members("customer").Should().BeEquivalentTo("name");
        reads.Members("vars").Should().BeEquivalentTo("coupon_amount", "coupon_code", "coupon_expires");
        reads.Reads("entry").Should().BeFalse();
        reads.Reads("event").Should().BeFalse();
        var model = ScriptModel.For(Profile, null, Instance, Now, CustomerProgram.Default, reads);
        model.Keys.Should().BeEquivalentTo("customer", "vars", "now");
        model["customer"].Should().BeOfType<Scriban.Runtime.ScriptObject>().Which.Keys.Should().BeEquivalentTo("name");
    }

    [Theory]
    [InlineData("{{ for x in customer }}{{ x.key }}{{ end }}", "customer")]
    [InlineData("{{ with vars }}{{ coupon_code }}{{ end }}", "vars")]
    [InlineData("{{ entry['type'] }}", "entry")]
    public void Reads_RootUsedWhole_ReadsAllOfIt(string template, string root)
    {
        var reads = TemplateSandbox.Reads(template, expression: false, "t.sbn");

        reads.ReadsWhole(root).Should().BeTrue();
        reads.ReadsWhole("journey").Should().BeFalse();
    }

    [Theory]
    [InlineData("{{ this.vars }}")]
    [InlineData("{{ 'vars' | object.eval }}")]
    [InlineData("{{ x = object }}")]
    [InlineData("{{ for }}{{ customer.name }}")]
    public void Reads_AnythingReachable_ReadsEverything(string template) =>
        TemplateSandbox.Reads(template, expression: false, "t.sbn").IsEverything.Should().BeTrue();

    [Fact]
    public void Render_ChangedProfileOrLaterInstant_NeverSeesTheEarlierModel()
    {
        const string Whole = "{{ with customer }}{{ name }} {{ orders.count }} {{ channels.sms.marketing }} {{ rfm.recency_days }}{{ end }}";
        const string Part = "{{ customer.name }} {{ customer.channels.sms.marketing }} {{ customer.rfm.recency_days }}";
        var renamed = Profile with { Name = "Lin", Orders = Profile.Orders with { Count = 4 } };
        var withdrawn = Profile.WithChannels((Channels.Sms, true, false));

        foreach (var template in new[] { Whole, Part })
        {
            string Render(CustomerProfile p, DateTimeOffset at) =>
                MessageRenderer.Render(Journey(template), "t", SendCategory.Transactional, "en", reads => ScriptModel.For(p, null, Instance, at, CustomerProgram.Default, reads)).Body;

            var first = Render(Profile, Now);
            Render(renamed, Now).Should().NotBe(first);
            Render(withdrawn, Now).Should().NotBe(first);
            Render(Profile, Now.AddDays(1)).Should().NotBe(first);
            Render(Profile, Now).Should().Be(first);
        }
    }

    [Theory]
    [InlineData("{{ customer | object.keys | array.join ',' }}")]
    [InlineData("{{ for x in customer }};{{ end }}{{ 'customer.name' | object.eval }}")]
    public void Render_CustomerReadWhole_SameWhateverEarlierRendersRead(string template)
    {
        // The whole customer is cached per profile and instant and shared by renders: a template that enumerates it must
        // not show lazy members (segments, rfm) only because an earlier render happened to read them.
        var profile = Profile with { Name = "枚举" + template.Length };
        string Render(string text) =>
            MessageRenderer.Render(Journey(text), "t", SendCategory.Transactional, "en", reads => ScriptModel.For(profile, null, Instance, Now, CustomerProgram.Default, reads)).Body;

        var fresh = Render(template);
        Render("{{ customer.segments | array.join ',' }} {{ customer.rfm.group }}");
        Render(template).Should().Be(fresh);
        fresh.Should().Match(f => f.Contains("segments", StringComparison.Ordinal) || f.Count(c => c == ';') > 20);
    }

    [Fact]
    public void Render_SameMessageAgain_FindsWhatItReadsOnlyOnce()
    {
        var journey = Journey("---\nsubject: {{ customer.name }}\n---\n{{ vars.coupon_code }} {{ entry.type }}");
        var seen = new List<TemplateReads>();
        RenderedMessage Send() => MessageRenderer.Render(journey, "t", SendCategory.Transactional, "en", reads =>
        {
            seen.Add(reads);
            return ScriptModel.For(Profile, null, Instance, Now, CustomerProgram.Default, reads);
        });

        Send().Should().Be(Send());

        seen.Should().HaveCount(2);
        seen[1].Should().BeSameAs(seen[0], "what a message reads is found once per template, not per send");
        seen[0].Members("customer").Should().BeEquivalentTo("name");
        seen[0].Members("entry").Should().BeEquivalentTo("type");
    }

    [Fact]
    public void Evaluate_ExpressionTheCompilerLeavesToTheInterpreter_SameAsWithTheFullModel()
    {
        var inputs = ExpressionInputs.For(Profile, Order, Instance, Now, CustomerProgram.Default);
        foreach (var expression in new[] { "customer.tags | array.join ','", "(customer.attributes | object.keys | array.size) + customer.orders.count", "vars | object.keys | array.join ','" })
        {
            JourneyExpressions.IsCompiled(expression).Should().BeFalse(expression);
            var full = TemplateSandbox.Evaluate(expression, ScriptModel.For(Profile, Order, Instance, Now, CustomerProgram.Default));

            JourneyExpressions.Evaluate(expression, inputs).Should().Be(full, expression);
        }
    }

    private static JourneyVersion Journey(string template) =>
        JourneyVersion.Create(BuiltIn.Journey(BuiltIn.Onboarding).Definition, "", [new TemplateSource("t", "en", template)]);

    private static string Outcome(Func<string> render)
    {
        try
        {
            return "ok: " + render();
        }
        catch (TemplateException ex)
        {
            return "error: " + ex.Message;
        }
    }
}
