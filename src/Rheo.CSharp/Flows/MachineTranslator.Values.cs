using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Rheo.CSharp.Flows;

/// <summary>Choice rules from conditions, and static values for Pass states.</summary>
internal sealed partial class MachineTranslator
{
    private const string ConditionHelp =
        "A condition compares data[...] with a literal or constant (data[\"n\"] > 0, data[\"s\"] == \"x\", data[\"f\"] == true, data[\"x\"] == null), " +
        "optionally cast to choose the type ((string), (int), (long), (double), (bool)), combined with &&, || and !.";

    private enum ValueType
    {
        String,
        Numeric,
        Boolean,
    }

    /// <summary>The Choice rule of a condition, or null (with a diagnostic) when it has no ASL equivalent.</summary>
    private JsonObject? Rule(ExpressionSyntax condition)
    {
        condition = Strip(condition);
        switch (condition)
        {
            case BinaryExpressionSyntax logical when logical.Kind() is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression:
                var kind = logical.Kind();
                var operands = new List<ExpressionSyntax>();
                Flatten(logical, kind, operands);
                var rules = operands.Select(Rule).ToList();
                return rules.Any(r => r is null) ? null : new JsonObject { [kind == SyntaxKind.LogicalAndExpression ? "And" : "Or"] = new JsonArray([.. rules]) };
            case PrefixUnaryExpressionSyntax not when not.IsKind(SyntaxKind.LogicalNotExpression):
                return Rule(not.Operand) is { } inner ? new JsonObject { ["Not"] = inner } : null;
            case CastExpressionSyntax cast when CastType(cast) == ValueType.Boolean && DataPath(cast.Expression, report: true) is { } flag:
                return new JsonObject { ["Variable"] = flag.Path, ["BooleanEquals"] = true };
            case BinaryExpressionSyntax comparison when comparison.Kind() is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression
                or SyntaxKind.LessThanExpression or SyntaxKind.GreaterThanExpression or SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanOrEqualExpression:
                return Comparison(comparison);
            default:
                Diagnostics.Error(FlowDiagnosticCodes.UnsupportedCondition, condition, $"'{condition}' cannot become a Choice rule. {ConditionHelp}");
                return null;
        }
    }

    private static void Flatten(ExpressionSyntax expression, SyntaxKind kind, List<ExpressionSyntax> operands)
    {
        expression = Strip(expression);
        if (expression is BinaryExpressionSyntax binary && binary.IsKind(kind))
        {
            Flatten(binary.Left, kind, operands);
            Flatten(binary.Right, kind, operands);
        }
        else
        {
            operands.Add(expression);
        }
    }

    private JsonObject? Comparison(BinaryExpressionSyntax comparison)
    {
        var op = comparison.Kind();
        var left = Operand(comparison.Left);
        var right = Operand(comparison.Right);
        if (left is null || right is null)
        {
            return null;
        }

        if (left.Path is null && right.Path is not null)
        {
            (left, right) = (right, left);
            op = op switch
            {
                SyntaxKind.LessThanExpression => SyntaxKind.GreaterThanExpression,
                SyntaxKind.GreaterThanExpression => SyntaxKind.LessThanExpression,
                SyntaxKind.LessThanOrEqualExpression => SyntaxKind.GreaterThanOrEqualExpression,
                SyntaxKind.GreaterThanOrEqualExpression => SyntaxKind.LessThanOrEqualExpression,
                _ => op,
            };
        }

        if (left.Path is null)
        {
            Diagnostics.Error(FlowDiagnosticCodes.UnsupportedCondition, comparison, $"'{comparison}' compares two constants, which is decided before the machine runs: compare data[...] with a value.");
            return null;
        }

        var equality = op is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression;
        JsonObject rule;
        if (right.Path is null && right.Constant is null)
        {
            if (!equality)
            {
                Diagnostics.Error(FlowDiagnosticCodes.UnsupportedCondition, comparison, "null can only be compared with == or !=, which test IsNull.");
                return null;
            }

            rule = new JsonObject { ["Variable"] = left.Path, ["IsNull"] = op == SyntaxKind.EqualsExpression };
            return rule;
        }

        if (left.Type is { } lt && right.Type is { } rt && lt != rt)
        {
            Diagnostics.Error(FlowDiagnosticCodes.UnsupportedCondition, comparison, $"'{comparison}' compares a {lt} with a {rt}: both sides must have the same type.");
            return null;
        }

        // As in the seed, an uncast data reference compared with another data reference is taken as a string.
        var type = left.Type ?? right.Type ?? ValueType.String;
        if (type == ValueType.Boolean && !equality)
        {
            Diagnostics.Error(FlowDiagnosticCodes.UnsupportedCondition, comparison, "Booleans can only be compared with == or != (BooleanEquals).");
            return null;
        }

        var name = type + (op switch
        {
            SyntaxKind.LessThanExpression => "LessThan",
            SyntaxKind.GreaterThanExpression => "GreaterThan",
            SyntaxKind.LessThanOrEqualExpression => "LessThanEquals",
            SyntaxKind.GreaterThanOrEqualExpression => "GreaterThanEquals",
            _ => "Equals",
        });
        rule = right.Path is not null
            ? new JsonObject { ["Variable"] = left.Path, [name + "Path"] = right.Path }
            : new JsonObject { ["Variable"] = left.Path, [name] = right.Constant!.DeepClone() };
        return op == SyntaxKind.NotEqualsExpression ? new JsonObject { ["Not"] = rule } : rule;
    }

    private sealed record ComparisonOperand(string? Path, JsonNode? Constant, ValueType? Type);

    private ComparisonOperand? Operand(ExpressionSyntax expression)
    {
        expression = Strip(expression);
        ValueType? cast = null;
        if (expression is CastExpressionSyntax castExpression && CastType(castExpression) is { } castType)
        {
            cast = castType;
            expression = Strip(castExpression.Expression);
        }

        if (DataPath(expression, report: true) is { } path)
        {
            return new ComparisonOperand(path.Path, null, cast);
        }

        var constant = Model.GetConstantValue(expression);
        if (constant.HasValue && Scalar(constant.Value) is var (node, type))
        {
            return new ComparisonOperand(null, node, type);
        }

        Diagnostics.Error(FlowDiagnosticCodes.UnsupportedCondition, expression, $"'{expression}' is neither a data reference nor a constant. {ConditionHelp}");
        return null;
    }

    private ValueType? CastType(CastExpressionSyntax cast) => Model.GetTypeInfo(cast.Type).Type?.SpecialType switch
    {
        SpecialType.System_String => ValueType.String,
        SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Decimal => ValueType.Numeric,
        SpecialType.System_Boolean => ValueType.Boolean,
        _ => null,
    };

    private static (JsonNode? Node, ValueType? Type)? Scalar(object? value) => value switch
    {
        null => (null, null),
        string s => (JsonValue.Create(s), ValueType.String),
        char c => (JsonValue.Create(c.ToString()), ValueType.String),
        bool b => (JsonValue.Create(b), ValueType.Boolean),
        int or long or short or byte or sbyte or ushort or uint => (JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)), ValueType.Numeric),
        ulong u => (JsonValue.Create(u), ValueType.Numeric),
        double or float or decimal => (JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)), ValueType.Numeric),
        _ => null,
    };

    private sealed record StaticResult(JsonNode? Node);

    /// <summary>A value known before the machine runs; null (with a diagnostic) otherwise.</summary>
    private StaticResult? StaticValue(ExpressionSyntax expression)
    {
        var ok = true;
        var node = Static(expression, ref ok);
        return ok ? new StaticResult(node) : null;
    }

    private JsonNode? Static(ExpressionSyntax expression, ref bool ok)
    {
        expression = Strip(expression);
        var constant = Model.GetConstantValue(expression);
        if (constant.HasValue && Scalar(constant.Value) is var (scalar, _))
        {
            return scalar;
        }

        switch (expression)
        {
            case InvocationExpressionSyntax invocation when IsFlow(Method(invocation), "Json"):
                var text = invocation.ArgumentList.Arguments.Count == 1 ? Model.GetConstantValue(invocation.ArgumentList.Arguments[0].Expression).Value as string : null;
                try
                {
                    if (text is not null)
                    {
                        return JsonNode.Parse(text);
                    }
                }
                catch (JsonException e)
                {
                    Diagnostics.Error(FlowDiagnosticCodes.NotStaticValue, invocation, $"Json(...) holds no valid JSON: {e.Message}");
                    ok = false;
                    return null;
                }

                Diagnostics.Error(FlowDiagnosticCodes.NotStaticValue, invocation, "Json(...) takes one constant string of JSON text: Json(\"\"\"{\"level\": \"INFO\"}\"\"\").");
                ok = false;
                return null;
            case AnonymousObjectCreationExpressionSyntax anonymous:
                var members = new JsonObject();
                foreach (var member in anonymous.Initializers)
                {
                    var name = member.NameEquals?.Name.Identifier.Text ?? (member.Expression as IdentifierNameSyntax)?.Identifier.Text ?? (member.Expression as MemberAccessExpressionSyntax)?.Name.Identifier.Text;
                    members[name ?? "?"] = Static(member.Expression, ref ok);
                }

                return members;
            case BaseObjectCreationExpressionSyntax creation when Model.GetTypeInfo(creation).Type?.ToDisplayString() == "System.Text.Json.Nodes.JsonObject" && (creation.ArgumentList?.Arguments.Count ?? 0) == 0:
                var json = new JsonObject();
                foreach (var initializer in creation.Initializer?.Expressions ?? default)
                {
                    if (initializer is AssignmentExpressionSyntax { Left: ImplicitElementAccessSyntax { ArgumentList.Arguments: [var keyArgument] } } entry && Model.GetConstantValue(keyArgument.Expression).Value is string key)
                    {
                        json[key] = Static(entry.Right, ref ok);
                    }
                    else if (initializer is InitializerExpressionSyntax { Expressions: [var pairKey, var pairValue] } && Model.GetConstantValue(pairKey).Value is string name)
                    {
                        json[name] = Static(pairValue, ref ok);
                    }
                    else
                    {
                        return NotStatic(initializer, ref ok);
                    }
                }

                return json;
            case BaseObjectCreationExpressionSyntax creation when Model.GetTypeInfo(creation).Type?.ToDisplayString() == "System.Text.Json.Nodes.JsonArray":
                var items = new JsonArray();
                foreach (var item in (creation.ArgumentList?.Arguments.Select(a => a.Expression) ?? []).Concat(creation.Initializer?.Expressions ?? []))
                {
                    items.Add(Static(item, ref ok));
                }

                return items;
            case ArrayCreationExpressionSyntax { Initializer: { } initializer }:
                return Array(initializer.Expressions, ref ok);
            case ImplicitArrayCreationExpressionSyntax array:
                return Array(array.Initializer.Expressions, ref ok);
            case CollectionExpressionSyntax collection when collection.Elements.All(e => e is ExpressionElementSyntax):
                return Array(collection.Elements.Select(e => ((ExpressionElementSyntax)e).Expression), ref ok);
            default:
                return NotStatic(expression, ref ok);
        }
    }

    private JsonArray Array(IEnumerable<ExpressionSyntax> expressions, ref bool ok)
    {
        var array = new JsonArray();
        foreach (var expression in expressions)
        {
            array.Add(Static(expression, ref ok));
        }

        return array;
    }

    private JsonNode? NotStatic(SyntaxNode node, ref bool ok)
    {
        ok = false;
        Diagnostics.Error(FlowDiagnosticCodes.NotStaticValue, node, $"'{node}' is not a static value. A Pass state sets literals, constants, Json(\"...\"), new JsonObject {{ [\"key\"] = value }}, new JsonArray {{ ... }}, arrays and anonymous objects of those, or copies data[\"other\"]. Values computed at run time come from a task: data[\"key\"] = Run<MyTask>().");
        return null;
    }
}
