namespace PrivateFlows.Cli.Commands;

/// <summary>The starting point a marketer gets from <c>privateflows new</c>.</summary>
internal static class Scaffold
{
    public static string Journey(string name) => $$"""
        # {{name}} — a PrivateFlows journey. Language reference: docs/journey-language.md
        journey: {{name}}
        title: {{name}}
        description: Describe who this journey is for and what it should achieve.
        category: marketing          # marketing sends obey caps and quiet hours; transactional only consent

        entry:
          event: customer.registered # the event that starts the journey
          reentry: once              # once | always | "after 30d"
          # condition: "customer.orders.count == 0"

        goal:                        # reaching it ends the journey as converted
          event: order.completed
          within: 14d

        exit:                        # any of these ends it early
          - event: customer.unsubscribed

        steps:
          - id: hello
            send:
              channel: app_push      # email | app_push | sms | wecom | miniprogram | webhook
              template: {{name}}-hello   # templates/{{name}}-hello.<locale>.sbn
          - id: wait-a-day
            wait: 1d
          - id: ordered-yet
            branch:
              - when: "customer.orders.count > 0"
                next: done
              - else: reminder
          - id: reminder
            send:
              channel: sms
              template: {{name}}-hello
              on_limit: defer        # defer | drop when caps or quiet hours block it
          - id: done
            end: completed

        """;

    public static IEnumerable<(string File, string Text)> Templates(string name) =>
    [
        ($"{name}-hello.zh-CN.sbn", "{{ customer.name ?? \"亲\" }}，你好！这里写给顾客的话。\n"),
        ($"{name}-hello.en.sbn", "Hi {{ customer.name ?? \"there\" }}! Write your message here.\n"),
        ("_marketing.zh-CN.sbn", "【广告】{{ body }}\n回复TD退订\n"),
        ("_marketing.en.sbn", "[Ad] {{ body }}\nReply TD to unsubscribe\n"),
    ];
}
