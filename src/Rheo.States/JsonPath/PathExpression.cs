using System.Text.Json.Nodes;

namespace Rheo.States.JsonPath;

/// <summary>Which document a path starts from.</summary>
internal enum PathRoot
{
    /// <summary><c>$</c>: the state's input (or result, depending on the field).</summary>
    Input,

    /// <summary><c>$$</c>: the context object.</summary>
    Context,

    /// <summary><c>$name</c>: a workflow variable.</summary>
    Variable,
}

/// <summary>The documents a path can read.</summary>
internal readonly record struct PathRoots(JsonNode? Input, Func<JsonNode?>? Context, IReadOnlyDictionary<string, JsonNode?>? Variables);

/// <summary>
/// A JSONPath compiled once per definition: the subset Step Functions accepts (dot and bracket notation, indexes,
/// wildcards, slices, unions, deep scan, filters), plus the context (<c>$$</c>) and variable (<c>$name</c>) roots.
/// </summary>
internal sealed class PathExpression
{
    private readonly Segment[] _segments;

    internal PathExpression(string text, PathRoot root, string? variable, Segment[] segments)
    {
        Text = text;
        Root = root;
        Variable = variable;
        _segments = segments;
        IsDefinite = segments.All(s => s.IsDefinite);
        IsReferencePath = root == PathRoot.Input && segments.All(s => s is NameSegment || (s is IndexSegment i && i.Index >= 0));
    }

    public string Text { get; }

    public PathRoot Root { get; }

    public string? Variable { get; }

    /// <summary>True when the path selects at most one node (no wildcard, slice, union, deep scan or filter).</summary>
    public bool IsDefinite { get; }

    /// <summary>True when the path may be used where ASL requires a reference path (names and indexes only).</summary>
    public bool IsReferencePath { get; }

    /// <summary>True for <c>$</c> itself.</summary>
    public bool IsRoot => Root == PathRoot.Input && _segments.Length == 0;

    internal IReadOnlyList<Segment> Segments => _segments;

    public static bool TryCompile(string text, out PathExpression? path, out string error)
    {
        var parser = new PathParser(text);
        if (parser.TryParsePath(out var root, out var variable, out var segments, out error) && parser.AtEnd)
        {
            path = new PathExpression(text, root, variable, segments);
            return true;
        }

        if (string.IsNullOrEmpty(error))
        {
            error = $"unexpected '{text[parser.Position..]}' at position {parser.Position}";
        }

        path = null;
        return false;
    }

    public static PathExpression Compile(string text) =>
        TryCompile(text, out var path, out var error) ? path! : throw new ArgumentException($"Invalid path '{text}': {error}", nameof(text));

    /// <summary>Selects the value; a definite path that matches nothing returns false, an indefinite one an empty array.</summary>
    public bool TryEvaluate(in PathRoots roots, out JsonNode? value)
    {
        JsonNode? start;
        switch (Root)
        {
            case PathRoot.Context:
                start = roots.Context?.Invoke();
                break;
            case PathRoot.Variable:
                if (roots.Variables is null || !roots.Variables.TryGetValue(Variable!, out start))
                {
                    value = null;
                    return false;
                }

                break;
            default:
                start = roots.Input;
                break;
        }

        return TryEvaluateFrom(start, roots, out value);
    }

    internal bool TryEvaluateFrom(JsonNode? start, in PathRoots roots, out JsonNode? value)
    {
        if (IsDefinite)
        {
            var current = start;
            foreach (var segment in _segments)
            {
                if (!segment.TrySelectOne(current, out current))
                {
                    value = null;
                    return false;
                }
            }

            value = current;
            return true;
        }

        var nodes = new List<JsonNode?> { start };
        var next = new List<JsonNode?>();
        foreach (var segment in _segments)
        {
            next.Clear();
            foreach (var node in nodes)
            {
                segment.Select(node, roots, next);
            }

            (nodes, next) = (next, nodes);
        }

        var array = new JsonArray();
        foreach (var node in nodes)
        {
            array.Add(JsonNodes.Own(node));
        }

        value = array;
        return true;
    }

    public override string ToString() => Text;
}
