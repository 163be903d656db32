using System.Text.Json.Nodes;

namespace Rheo.States.JsonPath;

/// <summary>One step of a compiled path.</summary>
internal abstract class Segment
{
    public virtual bool IsDefinite => false;

    /// <summary>Definite segments select at most one node.</summary>
    public virtual bool TrySelectOne(JsonNode? node, out JsonNode? result) => throw new InvalidOperationException("Indefinite segment.");

    public abstract void Select(JsonNode? node, in PathRoots roots, List<JsonNode?> results);
}

internal sealed class NameSegment(string name) : Segment
{
    public string Name { get; } = name;

    public override bool IsDefinite => true;

    public override bool TrySelectOne(JsonNode? node, out JsonNode? result)
    {
        if (node is JsonObject obj && obj.TryGetPropertyValue(Name, out result))
        {
            return true;
        }

        result = null;
        return false;
    }

    public override void Select(JsonNode? node, in PathRoots roots, List<JsonNode?> results)
    {
        if (TrySelectOne(node, out var result))
        {
            results.Add(result);
        }
    }
}

internal sealed class IndexSegment(int index) : Segment
{
    public int Index { get; } = index;

    public override bool IsDefinite => true;

    public override bool TrySelectOne(JsonNode? node, out JsonNode? result)
    {
        if (node is JsonArray array)
        {
            var i = Index < 0 ? array.Count + Index : Index;
            if (i >= 0 && i < array.Count)
            {
                result = array[i];
                return true;
            }
        }

        result = null;
        return false;
    }

    public override void Select(JsonNode? node, in PathRoots roots, List<JsonNode?> results)
    {
        if (TrySelectOne(node, out var result))
        {
            results.Add(result);
        }
    }
}

internal sealed class WildcardSegment : Segment
{
    public override void Select(JsonNode? node, in PathRoots roots, List<JsonNode?> results)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    results.Add(value);
                }

                break;
            case JsonArray array:
                foreach (var value in array)
                {
                    results.Add(value);
                }

                break;
        }
    }
}

internal sealed class SliceSegment(int? start, int? end, int step) : Segment
{
    public override void Select(JsonNode? node, in PathRoots roots, List<JsonNode?> results)
    {
        if (node is not JsonArray array || step == 0)
        {
            return;
        }

        var count = array.Count;
        static int Normalize(int value, int count) => value < 0 ? Math.Max(0, count + value) : Math.Min(value, count);
        if (step > 0)
        {
            var from = start is { } s ? Normalize(s, count) : 0;
            var to = end is { } e ? Normalize(e, count) : count;
            for (var i = from; i < to; i += step)
            {
                results.Add(array[i]);
            }
        }
        else
        {
            var from = start is { } s ? Math.Min(Normalize(s, count), count - 1) : count - 1;
            var to = end is { } e ? Normalize(e, count) : -1;
            for (var i = from; i > to; i += step)
            {
                results.Add(array[i]);
            }
        }
    }
}

internal sealed class UnionSegment(IReadOnlyList<Segment> members) : Segment
{
    public override void Select(JsonNode? node, in PathRoots roots, List<JsonNode?> results)
    {
        foreach (var member in members)
        {
            member.Select(node, roots, results);
        }
    }
}

/// <summary><c>..name</c>, <c>..*</c> or <c>..[n]</c>: applies the inner segment to the node and all descendants.</summary>
internal sealed class DeepScanSegment(Segment inner) : Segment
{
    public override void Select(JsonNode? node, in PathRoots roots, List<JsonNode?> results)
    {
        inner.Select(node, roots, results);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Select(value, roots, results);
                }

                break;
            case JsonArray array:
                foreach (var value in array)
                {
                    Select(value, roots, results);
                }

                break;
        }
    }
}

internal sealed class FilterSegment(FilterExpression filter) : Segment
{
    public override void Select(JsonNode? node, in PathRoots roots, List<JsonNode?> results)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    if (filter.Matches(item, roots))
                    {
                        results.Add(item);
                    }
                }

                break;
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    if (filter.Matches(value, roots))
                    {
                        results.Add(value);
                    }
                }

                break;
        }
    }
}

/// <summary>A filter predicate: <c>?(@.price &lt; 10 &amp;&amp; @.tag)</c>.</summary>
internal abstract class FilterExpression
{
    public abstract bool Matches(JsonNode? current, in PathRoots roots);
}

internal sealed class AndFilter(FilterExpression left, FilterExpression right) : FilterExpression
{
    public override bool Matches(JsonNode? current, in PathRoots roots) => left.Matches(current, roots) && right.Matches(current, roots);
}

internal sealed class OrFilter(FilterExpression left, FilterExpression right) : FilterExpression
{
    public override bool Matches(JsonNode? current, in PathRoots roots) => left.Matches(current, roots) || right.Matches(current, roots);
}

internal sealed class NotFilter(FilterExpression inner) : FilterExpression
{
    public override bool Matches(JsonNode? current, in PathRoots roots) => !inner.Matches(current, roots);
}

/// <summary>An operand of a comparison: a literal, <c>@...</c> or <c>$...</c>.</summary>
internal sealed class FilterOperand
{
    private readonly JsonNode? _literal;
    private readonly PathExpression? _path;
    private readonly bool _relative;

    private FilterOperand(JsonNode? literal, PathExpression? path, bool relative)
    {
        _literal = literal;
        _path = path;
        _relative = relative;
    }

    public static FilterOperand Literal(JsonNode? value) => new(value, null, false);

    public static FilterOperand Path(PathExpression path, bool relative) => new(null, path, relative);

    public bool TryGet(JsonNode? current, in PathRoots roots, out JsonNode? value)
    {
        if (_path is null)
        {
            value = _literal;
            return true;
        }

        return _relative ? _path.TryEvaluateFrom(current, roots, out value) : _path.TryEvaluate(roots, out value);
    }
}

internal sealed class ExistsFilter(FilterOperand operand) : FilterExpression
{
    public override bool Matches(JsonNode? current, in PathRoots roots) =>
        operand.TryGet(current, roots, out _);
}

internal sealed class ComparisonFilter(FilterOperand left, string op, FilterOperand right) : FilterExpression
{
    public override bool Matches(JsonNode? current, in PathRoots roots)
    {
        if (!left.TryGet(current, roots, out var a) || !right.TryGet(current, roots, out var b))
        {
            return false;
        }

        switch (op)
        {
            case "==":
                return JsonNodes.DeepEquals(a, b);
            case "!=":
                return !JsonNodes.DeepEquals(a, b);
        }

        int comparison;
        if (JsonNodes.TryGetDouble(a, out var da) && JsonNodes.TryGetDouble(b, out var db))
        {
            comparison = da.CompareTo(db);
        }
        else if (JsonNodes.TryGetString(a, out var sa) && JsonNodes.TryGetString(b, out var sb))
        {
            comparison = string.CompareOrdinal(sa, sb);
        }
        else
        {
            return false;
        }

        return op switch
        {
            "<" => comparison < 0,
            "<=" => comparison <= 0,
            ">" => comparison > 0,
            ">=" => comparison >= 0,
            _ => false,
        };
    }
}
