using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Rheo.States.JsonPath;

/// <summary>Hand-written recursive-descent parser for the JSONPath subset (no JSONPath library restores here).</summary>
internal sealed class PathParser(string text)
{
    private int _pos;

    public int Position => _pos;

    public bool AtEnd => _pos >= text.Length;

    private char Current => _pos < text.Length ? text[_pos] : '\0';

    public bool TryParsePath(out PathRoot root, out string? variable, out Segment[] segments, out string error)
    {
        root = PathRoot.Input;
        variable = null;
        segments = [];
        error = string.Empty;
        if (Current != '$')
        {
            error = "a path starts with '$'";
            return false;
        }

        _pos++;
        if (Current == '$')
        {
            root = PathRoot.Context;
            _pos++;
        }
        else if (char.IsLetter(Current) || Current == '_')
        {
            var start = _pos;
            while (char.IsLetterOrDigit(Current) || Current == '_')
            {
                _pos++;
            }

            root = PathRoot.Variable;
            variable = text[start.._pos];
        }

        return TryParseSegments(inFilter: false, out segments, out error);
    }

    private bool TryParseSegments(bool inFilter, out Segment[] segments, out string error)
    {
        var list = new List<Segment>();
        error = string.Empty;
        while (!AtEnd)
        {
            if (inFilter && IsFilterTerminator(Current))
            {
                break;
            }

            if (Current == '.')
            {
                _pos++;
                if (Current == '.')
                {
                    _pos++;
                    Segment? inner;
                    if (Current == '[')
                    {
                        if (!TryParseBracket(out inner, out error))
                        {
                            segments = [];
                            return false;
                        }
                    }
                    else if (!TryParseDotMember(inFilter, out inner, out error))
                    {
                        segments = [];
                        return false;
                    }

                    list.Add(new DeepScanSegment(inner!));
                    continue;
                }

                if (!TryParseDotMember(inFilter, out var member, out error))
                {
                    segments = [];
                    return false;
                }

                list.Add(member!);
            }
            else if (Current == '[')
            {
                if (!TryParseBracket(out var bracket, out error))
                {
                    segments = [];
                    return false;
                }

                list.Add(bracket!);
            }
            else
            {
                error = $"expected '.' or '[' at position {_pos} but found '{Current}'";
                segments = [];
                return false;
            }
        }

        segments = [.. list];
        return true;
    }

    private static bool IsFilterTerminator(char c) => c is ' ' or ')' or '=' or '!' or '<' or '>' or '&' or '|' or ',' or ']';

    private bool TryParseDotMember(bool inFilter, out Segment? segment, out string error)
    {
        error = string.Empty;
        if (Current == '*')
        {
            _pos++;
            segment = new WildcardSegment();
            return true;
        }

        var start = _pos;
        while (!AtEnd && Current != '.' && Current != '[' && !(inFilter && IsFilterTerminator(Current)) && !char.IsWhiteSpace(Current))
        {
            _pos++;
        }

        if (_pos == start)
        {
            segment = null;
            error = $"expected a field name at position {_pos}";
            return false;
        }

        segment = new NameSegment(text[start.._pos]);
        return true;
    }

    private bool TryParseBracket(out Segment? segment, out string error)
    {
        segment = null;
        error = string.Empty;
        _pos++; // '['
        SkipSpaces();
        if (Current == '*')
        {
            _pos++;
            SkipSpaces();
            segment = new WildcardSegment();
            return Expect(']', ref error);
        }

        if (Current == '?')
        {
            _pos++;
            SkipSpaces();
            if (!Expect('(', ref error) || !TryParseOr(out var filter, out error))
            {
                return false;
            }

            SkipSpaces();
            if (!Expect(')', ref error))
            {
                return false;
            }

            SkipSpaces();
            segment = new FilterSegment(filter!);
            return Expect(']', ref error);
        }

        var members = new List<Segment>();
        while (true)
        {
            SkipSpaces();
            if (Current is '\'' or '"')
            {
                if (!TryParseQuoted(out var name, out error))
                {
                    return false;
                }

                members.Add(new NameSegment(name));
            }
            else if (Current == ':' || Current == '-' || char.IsDigit(Current))
            {
                int? first = Current == ':' ? null : ParseInt(ref error);
                if (first is null && Current != ':')
                {
                    return false;
                }

                SkipSpaces();
                if (Current == ':')
                {
                    _pos++;
                    SkipSpaces();
                    int? end = Current is ']' or ':' ? null : ParseInt(ref error);
                    var step = 1;
                    SkipSpaces();
                    if (Current == ':')
                    {
                        _pos++;
                        SkipSpaces();
                        if (Current != ']')
                        {
                            step = ParseInt(ref error) ?? 0;
                        }
                    }

                    if (!string.IsNullOrEmpty(error))
                    {
                        return false;
                    }

                    SkipSpaces();
                    segment = new SliceSegment(first, end, step);
                    return Expect(']', ref error);
                }

                members.Add(new IndexSegment(first!.Value));
            }
            else
            {
                error = $"expected a quoted name, an index, '*', a slice or a filter at position {_pos}";
                return false;
            }

            SkipSpaces();
            if (Current == ',')
            {
                _pos++;
                continue;
            }

            if (!Expect(']', ref error))
            {
                return false;
            }

            segment = members.Count == 1 ? members[0] : new UnionSegment(members);
            return true;
        }
    }

    private bool TryParseQuoted(out string value, out string error)
    {
        var quote = Current;
        _pos++;
        var sb = new StringBuilder();
        while (!AtEnd && Current != quote)
        {
            if (Current == '\\' && _pos + 1 < text.Length)
            {
                _pos++;
            }

            sb.Append(Current);
            _pos++;
        }

        if (AtEnd)
        {
            value = string.Empty;
            error = "unterminated quoted name";
            return false;
        }

        _pos++;
        value = sb.ToString();
        error = string.Empty;
        return true;
    }

    private int? ParseInt(ref string error)
    {
        var start = _pos;
        if (Current == '-')
        {
            _pos++;
        }

        while (char.IsDigit(Current))
        {
            _pos++;
        }

        if (int.TryParse(text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        error = $"expected an integer at position {start}";
        return null;
    }

    private bool TryParseOr(out FilterExpression? filter, out string error)
    {
        if (!TryParseAnd(out filter, out error))
        {
            return false;
        }

        while (true)
        {
            SkipSpaces();
            if (Current == '|' && Peek(1) == '|')
            {
                _pos += 2;
                if (!TryParseAnd(out var right, out error))
                {
                    return false;
                }

                filter = new OrFilter(filter!, right!);
            }
            else
            {
                return true;
            }
        }
    }

    private bool TryParseAnd(out FilterExpression? filter, out string error)
    {
        if (!TryParseUnary(out filter, out error))
        {
            return false;
        }

        while (true)
        {
            SkipSpaces();
            if (Current == '&' && Peek(1) == '&')
            {
                _pos += 2;
                if (!TryParseUnary(out var right, out error))
                {
                    return false;
                }

                filter = new AndFilter(filter!, right!);
            }
            else
            {
                return true;
            }
        }
    }

    private bool TryParseUnary(out FilterExpression? filter, out string error)
    {
        SkipSpaces();
        filter = null;
        error = string.Empty;
        if (Current == '!' && Peek(1) != '=')
        {
            _pos++;
            if (!TryParseUnary(out var inner, out error))
            {
                return false;
            }

            filter = new NotFilter(inner!);
            return true;
        }

        if (Current == '(')
        {
            _pos++;
            if (!TryParseOr(out filter, out error))
            {
                return false;
            }

            SkipSpaces();
            return Expect(')', ref error);
        }

        if (!TryParseOperand(out var left, out error))
        {
            return false;
        }

        SkipSpaces();
        var op = ReadOperator();
        if (op is null)
        {
            filter = new ExistsFilter(left!);
            return true;
        }

        SkipSpaces();
        if (!TryParseOperand(out var right, out error))
        {
            return false;
        }

        filter = new ComparisonFilter(left!, op, right!);
        return true;
    }

    private string? ReadOperator()
    {
        foreach (var op in (string[])["==", "!=", "<=", ">=", "<", ">"])
        {
            if (string.CompareOrdinal(text, _pos, op, 0, op.Length) == 0)
            {
                _pos += op.Length;
                return op;
            }
        }

        return null;
    }

    private bool TryParseOperand(out FilterOperand? operand, out string error)
    {
        operand = null;
        error = string.Empty;
        var start = _pos;
        if (Current == '@')
        {
            _pos++;
            if (!TryParseSegments(inFilter: true, out var segments, out error))
            {
                return false;
            }

            operand = FilterOperand.Path(new PathExpression(text[start.._pos], PathRoot.Input, null, segments), relative: true);
            return true;
        }

        if (Current == '$')
        {
            _pos++;
            if (!TryParseSegments(inFilter: true, out var segments, out error))
            {
                return false;
            }

            operand = FilterOperand.Path(new PathExpression(text[start.._pos], PathRoot.Input, null, segments), relative: false);
            return true;
        }

        if (Current is '\'' or '"')
        {
            if (!TryParseQuoted(out var s, out error))
            {
                return false;
            }

            operand = FilterOperand.Literal(JsonValue.Create(s));
            return true;
        }

        if (Current == '-' || char.IsDigit(Current))
        {
            _pos++;
            while (char.IsDigit(Current) || Current is '.' or 'e' or 'E' or '+' or '-')
            {
                _pos++;
            }

            if (double.TryParse(text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                operand = FilterOperand.Literal(JsonNodes.Number(d));
                return true;
            }

            error = $"invalid number at position {start}";
            return false;
        }

        foreach (var (word, value) in (ReadOnlySpan<(string, JsonNode?)>)[("true", JsonValue.Create(true)), ("false", JsonValue.Create(false)), ("null", null)])
        {
            if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0)
            {
                _pos += word.Length;
                operand = FilterOperand.Literal(value);
                return true;
            }
        }

        error = $"expected '@', '$' or a literal in the filter at position {_pos}";
        return false;
    }

    private char Peek(int offset) => _pos + offset < text.Length ? text[_pos + offset] : '\0';

    private void SkipSpaces()
    {
        while (Current == ' ')
        {
            _pos++;
        }
    }

    private bool Expect(char c, ref string error)
    {
        if (Current == c)
        {
            _pos++;
            return true;
        }

        error = $"expected '{c}' at position {_pos}";
        return false;
    }
}
