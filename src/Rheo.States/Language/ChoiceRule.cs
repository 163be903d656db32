using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rheo.States.Execution;
using Rheo.States.JsonPath;

namespace Rheo.States.Language;

/// <summary>A compiled Choice rule or nested boolean expression.</summary>
internal abstract class ChoiceRule
{
    public abstract bool Evaluate(in PathRoots roots);

    internal sealed class And(IReadOnlyList<ChoiceRule> rules) : ChoiceRule
    {
        public override bool Evaluate(in PathRoots roots)
        {
            foreach (var rule in rules)
            {
                if (!rule.Evaluate(roots))
                {
                    return false;
                }
            }

            return true;
        }
    }

    internal sealed class Or(IReadOnlyList<ChoiceRule> rules) : ChoiceRule
    {
        public override bool Evaluate(in PathRoots roots)
        {
            foreach (var rule in rules)
            {
                if (rule.Evaluate(roots))
                {
                    return true;
                }
            }

            return false;
        }
    }

    internal sealed class Not(ChoiceRule rule) : ChoiceRule
    {
        public override bool Evaluate(in PathRoots roots) => !rule.Evaluate(roots);
    }
}

/// <summary>The comparison operators of a Choice rule.</summary>
internal enum ChoiceOperator
{
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

/// <summary><c>Variable</c> compared with a literal or, for the <c>...Path</c> forms, with another path.</summary>
internal sealed partial class ComparisonRule(PathExpression variable, ChoiceOperator op, JsonNode? literal, PathExpression? comparandPath) : ChoiceRule
{
    public override bool Evaluate(in PathRoots roots)
    {
        var present = variable.TryEvaluate(roots, out var value);
        if (op == ChoiceOperator.IsPresent)
        {
            return present == (JsonNodes.Kind(literal) == System.Text.Json.JsonValueKind.True);
        }

        if (!present)
        {
            throw new StateFailure(ErrorNames.Runtime, $"Invalid path '{variable.Text}': The choice state's condition path references an invalid value.");
        }

        var expected = literal;
        if (comparandPath is not null && !comparandPath.TryEvaluate(roots, out expected))
        {
            throw new StateFailure(ErrorNames.Runtime, $"Invalid path '{comparandPath.Text}': The choice state's condition path references an invalid value.");
        }

        var flag = JsonNodes.Kind(expected) == System.Text.Json.JsonValueKind.True;
        switch (op)
        {
            case ChoiceOperator.IsNull:
                return (value is null) == flag;
            case ChoiceOperator.IsNumeric:
                return JsonNodes.IsNumber(value) == flag;
            case ChoiceOperator.IsString:
                return JsonNodes.IsString(value) == flag;
            case ChoiceOperator.IsBoolean:
                return JsonNodes.IsBoolean(value) == flag;
            case ChoiceOperator.IsTimestamp:
                return (JsonNodes.TryGetString(value, out var ts) && TryParseTimestamp(ts, out _)) == flag;
            case ChoiceOperator.BooleanEquals:
                return JsonNodes.IsBoolean(value) && JsonNodes.IsBoolean(expected) && JsonNodes.Kind(value) == JsonNodes.Kind(expected);
            case ChoiceOperator.StringMatches:
                return JsonNodes.TryGetString(value, out var text) && JsonNodes.TryGetString(expected, out var pattern) && Matches(text, pattern);
        }

        if (op is >= ChoiceOperator.StringEquals and <= ChoiceOperator.StringGreaterThanEquals)
        {
            return JsonNodes.TryGetString(value, out var a) && JsonNodes.TryGetString(expected, out var b) && Compare(op - ChoiceOperator.StringEquals, string.CompareOrdinal(a, b));
        }

        if (op is >= ChoiceOperator.NumericEquals and <= ChoiceOperator.NumericGreaterThanEquals)
        {
            return JsonNodes.TryGetDouble(value, out var a) && JsonNodes.TryGetDouble(expected, out var b) && Compare(op - ChoiceOperator.NumericEquals, a.CompareTo(b) is var c && a == b ? 0 : c);
        }

        // Timestamps compare as instants, so offsets and fractional zeros do not matter.
        return JsonNodes.TryGetString(value, out var va) && TryParseTimestamp(va, out var ta)
            && JsonNodes.TryGetString(expected, out var vb) && TryParseTimestamp(vb, out var tb)
            && Compare(op - ChoiceOperator.TimestampEquals, ta.CompareTo(tb));
    }

    /// <summary>RFC 3339 timestamps as Step Functions accepts them: a date, an uppercase T, a time and a zone.</summary>
    public static bool TryParseTimestamp(string text, out DateTimeOffset value)
    {
        value = default;
        return TimestampPattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    /// <summary><c>StringMatches</c>: <c>*</c> matches any run of characters; <c>\*</c> and <c>\\</c> are literals.</summary>
    public static bool Matches(string text, string pattern)
    {
        var tokens = new List<(bool Star, char Char)>();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                tokens.Add((false, pattern[++i]));
            }
            else
            {
                tokens.Add((pattern[i] == '*', pattern[i]));
            }
        }

        // Classic greedy wildcard matching with one backtrack point.
        int t = 0, p = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < tokens.Count && !tokens[p].Star && tokens[p].Char == text[t])
            {
                t++;
                p++;
            }
            else if (p < tokens.Count && tokens[p].Star)
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < tokens.Count && tokens[p].Star)
        {
            p++;
        }

        return p == tokens.Count;
    }

    private static bool Compare(int kind, int comparison) => kind switch
    {
        0 => comparison == 0,
        1 => comparison < 0,
        2 => comparison > 0,
        3 => comparison <= 0,
        _ => comparison >= 0,
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex TimestampPattern();
}
