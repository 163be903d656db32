using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Rheo.States.JsonPath;

namespace Rheo.States.Intrinsics;

/// <summary>A runtime failure of an intrinsic function (bad argument type or value).</summary>
internal sealed class IntrinsicFailure(string message) : StatesException(message);

/// <summary>An argument of an intrinsic call: a literal, a path, or a nested call.</summary>
internal abstract class IntrinsicArgument
{
    public abstract JsonNode? Evaluate(in PathRoots roots, Random random);
}

internal sealed class LiteralArgument(JsonNode? value, string? template) : IntrinsicArgument
{
    /// <summary>The string literal with <c>\{</c> and <c>\}</c> kept, for <c>States.Format</c>.</summary>
    public string? Template { get; } = template;

    public override JsonNode? Evaluate(in PathRoots roots, Random random) => JsonNodes.Own(value);
}

internal sealed class PathArgument(PathExpression path) : IntrinsicArgument
{
    public PathExpression Path { get; } = path;

    public override JsonNode? Evaluate(in PathRoots roots, Random random) =>
        Path.TryEvaluate(roots, out var value)
            ? JsonNodes.Own(value)
            : throw new IntrinsicFailure($"The JsonPath argument for the field '{Path.Text}' could not be found in the input '{JsonNodes.Serialize(roots.Input)}'");
}

/// <summary>A compiled intrinsic function call such as <c>States.Format('{}', $.a)</c>.</summary>
internal sealed class IntrinsicExpression : IntrinsicArgument
{
    private IntrinsicExpression(string text, IntrinsicFunction function, IReadOnlyList<IntrinsicArgument> arguments)
    {
        Text = text;
        Function = function;
        Arguments = arguments;
    }

    public string Text { get; }

    public IntrinsicFunction Function { get; }

    public IReadOnlyList<IntrinsicArgument> Arguments { get; }

    /// <summary>True when the text looks like an intrinsic call (<c>States.</c> prefix) rather than a path.</summary>
    public static bool LooksLikeCall(string text) => text.StartsWith("States.", StringComparison.Ordinal);

    public static bool TryCompile(string text, out IntrinsicExpression? expression, out string error)
    {
        var parser = new Parser(text);
        if (parser.TryParseCall(out expression, out error))
        {
            parser.SkipSpaces();
            if (parser.AtEnd)
            {
                return true;
            }

            error = $"unexpected '{text[parser.Position..]}' after the call";
        }

        expression = null;
        return false;
    }

    public override JsonNode? Evaluate(in PathRoots roots, Random random)
    {
        var values = new JsonNode?[Arguments.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Arguments[i].Evaluate(roots, random);
        }

        return Function.Invoke(this, values, random);
    }

    public override string ToString() => Text;

    private sealed class Parser(string text)
    {
        private int _pos;

        public int Position => _pos;

        public bool AtEnd => _pos >= text.Length;

        private char Current => _pos < text.Length ? text[_pos] : '\0';

        public void SkipSpaces()
        {
            while (Current == ' ')
            {
                _pos++;
            }
        }

        public bool TryParseCall(out IntrinsicExpression? call, out string error)
        {
            call = null;
            SkipSpaces();
            var start = _pos;
            while (char.IsLetterOrDigit(Current) || Current == '.')
            {
                _pos++;
            }

            var name = text[start.._pos];
            if (!IntrinsicFunction.TryFind(name, out var function))
            {
                error = $"unknown intrinsic function '{name}'; valid functions are {string.Join(", ", IntrinsicFunction.Names)}";
                return false;
            }

            SkipSpaces();
            if (Current != '(')
            {
                error = $"expected '(' after '{name}'";
                return false;
            }

            _pos++;
            var arguments = new List<IntrinsicArgument>();
            SkipSpaces();
            if (Current == ')')
            {
                _pos++;
            }
            else
            {
                while (true)
                {
                    if (!TryParseArgument(out var argument, out error))
                    {
                        return false;
                    }

                    arguments.Add(argument!);
                    SkipSpaces();
                    if (Current == ',')
                    {
                        _pos++;
                        continue;
                    }

                    if (Current == ')')
                    {
                        _pos++;
                        break;
                    }

                    error = $"expected ',' or ')' at position {_pos} in '{text}'";
                    return false;
                }
            }

            if (arguments.Count < function!.MinArguments || arguments.Count > function.MaxArguments)
            {
                var expected = function.MinArguments == function.MaxArguments
                    ? function.MinArguments.ToString(CultureInfo.InvariantCulture)
                    : function.MaxArguments == int.MaxValue
                        ? $"at least {function.MinArguments}"
                        : $"{function.MinArguments} to {function.MaxArguments}";
                error = $"{name} takes {expected} argument(s) but was given {arguments.Count}";
                return false;
            }

            call = new IntrinsicExpression(text[start.._pos], function, arguments);
            error = string.Empty;
            return true;
        }

        private bool TryParseArgument(out IntrinsicArgument? argument, out string error)
        {
            SkipSpaces();
            argument = null;
            error = string.Empty;
            if (Current == '\'')
            {
                return TryParseString(out argument, out error);
            }

            if (Current == '$')
            {
                var start = _pos;
                var depth = 0;
                var quote = '\0';
                while (!AtEnd)
                {
                    var c = Current;
                    if (quote != '\0')
                    {
                        if (c == quote)
                        {
                            quote = '\0';
                        }
                    }
                    else if (c is '\'' or '"')
                    {
                        quote = c;
                    }
                    else if (c is '[' or '(')
                    {
                        depth++;
                    }
                    else if (c is ']' or ')')
                    {
                        if (depth == 0)
                        {
                            break;
                        }

                        depth--;
                    }
                    else if (c == ',' && depth == 0)
                    {
                        break;
                    }

                    _pos++;
                }

                var pathText = text[start.._pos].TrimEnd();
                if (!PathExpression.TryCompile(pathText, out var path, out var pathError))
                {
                    error = $"invalid path '{pathText}': {pathError}";
                    return false;
                }

                argument = new PathArgument(path!);
                return true;
            }

            if (string.CompareOrdinal(text, _pos, "States.", 0, 7) == 0)
            {
                if (!TryParseCall(out var call, out error))
                {
                    return false;
                }

                argument = call;
                return true;
            }

            var literalStart = _pos;
            while (!AtEnd && Current != ',' && Current != ')' && Current != ' ')
            {
                _pos++;
            }

            var literal = text[literalStart.._pos];
            switch (literal)
            {
                case "true":
                    argument = new LiteralArgument(JsonValue.Create(true), null);
                    return true;
                case "false":
                    argument = new LiteralArgument(JsonValue.Create(false), null);
                    return true;
                case "null":
                    argument = new LiteralArgument(null, null);
                    return true;
            }

            if (literal.Length > 0 && double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                argument = new LiteralArgument(JsonNodes.Parse(literal) ?? JsonNodes.Number(number), null);
                return true;
            }

            error = $"invalid argument '{literal}' at position {literalStart}: expected a 'string', a number, true, false, null, a path or an intrinsic call";
            return false;
        }

        private bool TryParseString(out IntrinsicArgument? argument, out string error)
        {
            _pos++;
            var cooked = new StringBuilder();
            var raw = new StringBuilder();
            while (!AtEnd && Current != '\'')
            {
                if (Current == '\\' && _pos + 1 < text.Length)
                {
                    var next = text[_pos + 1];
                    if (next is '{' or '}')
                    {
                        raw.Append('\\');
                    }

                    cooked.Append(next);
                    raw.Append(next);
                    _pos += 2;
                    continue;
                }

                cooked.Append(Current);
                raw.Append(Current);
                _pos++;
            }

            if (AtEnd)
            {
                argument = null;
                error = "unterminated string literal";
                return false;
            }

            _pos++;
            argument = new LiteralArgument(JsonValue.Create(cooked.ToString()), raw.ToString());
            error = string.Empty;
            return true;
        }
    }
}
