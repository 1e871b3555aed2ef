using System.Text;
using PrivateFlows.Workflows.Templates;
using YamlDotNet.RepresentationModel;

namespace PrivateFlows.Workflows.Tests.Fuzzing;

/// <summary>One fuzz input: a journey's YAML and the templates it is validated with, and what was done to make it.</summary>
public sealed record FuzzInput(string Yaml, IReadOnlyList<TemplateSource> Templates, string Mutations);

/// <summary>
/// Structure-aware mutations of the built-in journeys: the YAML tree is parsed, keys and steps are deleted, duplicated
/// and swapped, scalars become boundary values, nodes become deep nests or aliases; then the text is written back and
/// sometimes mutated as raw characters (tabs, brackets, unicode, truncation). Deterministic for a given seed.
/// </summary>
public sealed class JourneyMutator(IReadOnlyList<string> journeys, IReadOnlyList<TemplateSource> templates, int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] BoundaryScalars =
    [
        "", "0", "-1", "1", "2147483647", "2147483648", "-9223372036854775809", "99999999999999999999999", "1e400", "NaN", ".inf",
        "null", "~", "true", "no", "0d", "-1d", "1000000d", "P99999999D", "PT0S", "0:00", "24:00", "23:59", "99:99", "after", "after -3d",
        "once", "always", "completed", "converted", "marketing", "transactional", "drop", "sms", "fax", "welcome", "done",
        "customer.orders.count > 0", "customer.order.count > 0", "customer.orders.cnt >> 0", "cusomer.name", "((((((((((", "{{", "}}",
        "date.add_days now 100000000", "customer.name | string.size", "event.data.amount * 1e300", "1/0", "[", "]", "{", "- -",
        "林晓🎉", "\u202e\u0000\ufeff", "\u00a0\u3000", "a\tb", "a\nb\r\nc", "\\", "'\"", "&a", "*a", "!!binary", "? x", "#",
    ];

    private static readonly string[] TemplateSnippets =
    [
        "{{ customer.nmae }}", "{{ vars.coupon_amout }}", "{{ customer.orders.count >> 1 }}", "{{ for i in 1..100000 }}x{{ end }}",
        "{{ x = 'a'; for i in 1..30; x = x + x; end; x }}", "{{ func f; ret f; end; f }}", "{{ ", " }}", "{{ if }}", "{{ end }}",
        "{{ include 'x' }}", "{{ customer.name | string.pad_left 100000 }}", "{{ " + new string('(', 300) + "1" + new string(')', 300) + " }}",
        "{{ date.now }}", "{{ entry.data.items[0].sku }}", "林晓🎉", "\t", "\u0000",
    ];

    public FuzzInput Next()
    {
        var source = journeys[_random.Next(journeys.Count)];
        var log = new List<string>();
        string yaml;
        if (_random.Next(10) < 8)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(source));
            var root = stream.Documents[0].RootNode;
            var count = 1 + _random.Next(4);
            for (var i = 0; i < count; i++) log.Add(MutateTree(root));
            var writer = new StringWriter();
            try
            {
                stream.Save(writer, assignAnchors: true);
                yaml = writer.ToString();
            }
            catch (YamlDotNet.Core.YamlException)
            {
                // A value YAML cannot write (the emitter refuses it): use the journey as it was.
                yaml = source;
            }
        }
        else
        {
            yaml = source;
        }

        if (_random.Next(10) < 4)
        {
            var count = 1 + _random.Next(3);
            for (var i = 0; i < count; i++) (yaml, var what) = MutateText(yaml);
            log.Add("text");
        }

        var used = templates.ToList();
        if (_random.Next(10) < 2 && used.Count > 0)
        {
            var i = _random.Next(used.Count);
            var t = used[i];
            var text = MutateTemplate(t.Text);
            used[i] = t with { Text = text };
            log.Add($"template {t.Name}.{t.Locale}");
        }

        return new FuzzInput(yaml, used, string.Join("; ", log));
    }

    private string MutateTree(YamlNode root)
    {
        var nodes = Collect(root);
        var (node, parent) = nodes[_random.Next(nodes.Count)];
        switch (_random.Next(9))
        {
            case 0 when parent is YamlMappingNode map && map.Children.Count > 0:
                map.Children.Remove(map.Children.Keys.ElementAt(_random.Next(map.Children.Count)));
                return "delete key";
            case 1 when parent is YamlSequenceNode seq && seq.Children.Count > 0:
                seq.Children.Insert(_random.Next(seq.Children.Count + 1), DeepCopy(seq.Children[_random.Next(seq.Children.Count)]));
                return "duplicate item";
            case 2 when parent is YamlSequenceNode seq && seq.Children.Count > 1:
                var a = _random.Next(seq.Children.Count);
                var b = _random.Next(seq.Children.Count);
                (seq.Children[a], seq.Children[b]) = (seq.Children[b], seq.Children[a]);
                return "swap items";
            case 3 when parent is YamlMappingNode map && map.Children.Count > 1:
                var keys = map.Children.Keys.ToList();
                var k1 = keys[_random.Next(keys.Count)];
                var k2 = keys[_random.Next(keys.Count)];
                (map.Children[k1], map.Children[k2]) = (map.Children[k2], map.Children[k1]);
                return "swap values";
            case 4 when node is YamlScalarNode scalar:
                scalar.Value = _random.Next(20) == 0 ? new string('x', 50_000 + _random.Next(300_000)) : BoundaryScalars[_random.Next(BoundaryScalars.Length)];
                scalar.Style = YamlDotNet.Core.ScalarStyle.Any;
                return "boundary scalar";
            case 5:
                Replace(parent, node, Nest(_random.Next(1, 80)));
                return "deep nesting";
            case 6 when nodes.Count > 2:
                // The same node in two places is written as an anchor and an alias.
                var (other, _) = nodes[_random.Next(nodes.Count)];
                if (!IsInside(other, node) && !IsInside(node, other)) Replace(parent, node, other);
                return "alias";
            case 7:
                Replace(parent, node, node switch
                {
                    YamlScalarNode s => new YamlSequenceNode(s),
                    YamlSequenceNode { Children.Count: > 0 } q => q.Children[0],
                    _ => new YamlScalarNode("x"),
                });
                return "change type";
            default:
                // Now and then a list as the key ("? [k]: 1"), which is valid YAML but never a journey property.
                YamlNode key = _random.Next(10) == 0 ? new YamlSequenceNode(new YamlScalarNode("k")) : new YamlScalarNode(BoundaryScalars[_random.Next(BoundaryScalars.Length)] + "_k");
                if (parent is YamlMappingNode m) m.Children[key] = new YamlScalarNode("1");
                return "add key";
        }
    }

    private (string, string) MutateText(string yaml)
    {
        if (yaml.Length == 0) return ("journey: x", "reset");
        var at = _random.Next(yaml.Length);
        var lineStart = yaml.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        return _random.Next(12) switch
        {
            0 => (yaml[..at] + (char)_random.Next(0x20, 0x7f) + yaml[(at + 1)..], "flip"),
            1 => (yaml.Insert(lineStart, "\t"), "tab"),
            2 => (yaml.Remove(at, 1), "delete"),
            3 => (yaml[..at], "truncate"),
            4 => (yaml.Insert(at, new string('[', _random.Next(1, 5_000))), "brackets"),
            5 => (AliasBomb() + yaml, "alias bomb"),
            6 => (yaml.Insert(at, _random.Next(2) == 0 ? "林晓🎉\u202e" : "\ud83d"), "unicode"),
            7 => (yaml.Replace("\n", "\r\n", StringComparison.Ordinal), "crlf"),
            8 => ("\ufeff" + yaml, "bom"),
            9 => (yaml.Insert(lineStart, " "), "indent"),
            10 => (yaml.Insert(lineStart, yaml[lineStart..Math.Max(lineStart, yaml.IndexOf('\n', at) < 0 ? yaml.Length : yaml.IndexOf('\n', at))] + "\n"), "duplicate line"),
            _ => (yaml.Insert(at, "&s [*s]"), "self alias"),
        };
    }

    private string AliasBomb()
    {
        var levels = _random.Next(2, 12);
        var text = new StringBuilder("b0: &b0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < levels; i++) text.Append($"b{i}: &b{i} [").AppendJoin(", ", Enumerable.Repeat($"*b{i - 1}", 9)).Append("]\n");
        return text.ToString();
    }

    private string MutateTemplate(string text)
    {
        var at = text.Length == 0 ? 0 : _random.Next(text.Length);
        return _random.Next(3) switch
        {
            0 => text.Insert(at, TemplateSnippets[_random.Next(TemplateSnippets.Length)]),
            1 => text.Length == 0 ? text : text.Remove(at, 1),
            _ => text[..at],
        };
    }

    private YamlNode Nest(int depth)
    {
        YamlNode node = new YamlScalarNode("x");
        for (var i = 0; i < depth; i++) node = _random.Next(2) == 0 ? new YamlSequenceNode(node) : new YamlMappingNode(new YamlScalarNode("k"), node);
        return node;
    }

    private static void Replace(YamlNode? parent, YamlNode node, YamlNode replacement)
    {
        switch (parent)
        {
            case YamlMappingNode map:
                foreach (var key in map.Children.Keys.ToList())
                {
                    if (ReferenceEquals(map.Children[key], node)) map.Children[key] = replacement;
                }

                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    if (ReferenceEquals(seq.Children[i], node)) seq.Children[i] = replacement;
                }

                break;
        }
    }

    private static bool IsInside(YamlNode inner, YamlNode outer) => Collect(outer).Any(x => ReferenceEquals(x.Node, inner));

    /// <summary>Every value node with its parent (mapping keys are left alone), without recursion; shared nodes once.</summary>
    private static List<(YamlNode Node, YamlNode? Parent)> Collect(YamlNode root)
    {
        var list = new List<(YamlNode, YamlNode?)>();
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(YamlNode, YamlNode?)>([(root, null)]);
        while (stack.TryPop(out var item))
        {
            if (!seen.Add(item.Item1)) continue;
            list.Add(item);
            var children = item.Item1 switch
            {
                YamlMappingNode m => m.Children.Values,
                YamlSequenceNode s => (IEnumerable<YamlNode>)s.Children,
                _ => [],
            };
            foreach (var child in children) stack.Push((child, item.Item1));
        }

        return list;
    }

    private static YamlNode DeepCopy(YamlNode node)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        var stream = new YamlStream();
        stream.Load(new StringReader(writer.ToString()));
        return stream.Documents[0].RootNode;
    }
}
