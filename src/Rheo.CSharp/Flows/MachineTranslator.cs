using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Rheo.CSharp.Flows;

/// <summary>
/// Translates a state machine method's statements into ASL states: task calls into Task states, assignments into Pass
/// states, <c>if</c> into Choice, <c>return</c> / <c>throw</c> into Succeed / Fail, <c>try</c> into Catch,
/// <c>using (Retry(...))</c> into Retry, and <c>Map</c>, <c>Parallel</c>, <c>Wait</c> into their states.
/// </summary>
/// <remarks>
/// States are added in source order; each statement leaves "exits" (a <c>Next</c>, a Choice rule, a catcher) that the
/// next state fills. Exits still open at the end of a scope become <c>End</c>, or a Succeed state where ASL needs a
/// state name (Choice rules, <c>Default</c>, catchers).
/// </remarks>
internal sealed partial class MachineTranslator
{
    private const string TaskName = "execution_name";

    private readonly FlowReader _reader;
    private readonly Dictionary<string, TaskInfo> _tasks;
    private readonly Dictionary<ISymbol, MethodDeclarationSyntax> _methods;
    private readonly HashSet<string> _explicitKeys;
    private readonly Stack<IMethodSymbol> _stack = new();
    private readonly Stack<string?> _catchVariables = new();
    private HashSet<string> _names = [];
    private Scope _scope = null!;

    public MachineTranslator(FlowReader reader, Dictionary<string, TaskInfo> tasks, Dictionary<ISymbol, MethodDeclarationSyntax> methods)
    {
        _reader = reader;
        _tasks = tasks;
        _methods = methods;
        _explicitKeys = [.. methods.Values.SelectMany(m => m.DescendantNodes().OfType<ArgumentSyntax>())
            .Where(a => a.NameColon?.Name.Identifier.Text == "key")
            .Select(a => Model.GetConstantValue(a.Expression).Value as string)
            .OfType<string>()];
    }

    public HashSet<ISymbol> Visited { get; } = new(SymbolEqualityComparer.Default);

    private SemanticModel Model => _reader.Model;

    private FlowSymbols Symbols => _reader.Symbols;

    private FlowDiagnostics Diagnostics => _reader.Diagnostics;

    /// <summary>The definition of a state machine method: <c>{"StartAt", "States"}</c>.</summary>
    public JsonObject Translate(IMethodSymbol machine)
    {
        _names = [];
        return Body(machine, _methods[machine]);
    }

    private JsonObject Body(IMethodSymbol method, SyntaxNode at)
    {
        if (_stack.Contains(method, SymbolEqualityComparer.Default))
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidStateMachine, at, $"'{method.Name}' runs itself through Map or Parallel: a state machine cannot contain itself. Move the repeated part into its own method.");
            return new JsonObject { ["StartAt"] = "Succeed", ["States"] = new JsonObject { ["Succeed"] = new JsonObject { ["Type"] = "Succeed" } } };
        }

        Visited.Add(method);
        _stack.Push(method);
        var outer = _scope;
        _scope = new Scope(method.Parameters[0]);
        CompileStatements(_methods[method].Body!.Statements);
        Finish(_scope);
        var root = _scope.Root;
        _scope = outer;
        _stack.Pop();
        return root;
    }

    private void CompileStatements(IEnumerable<StatementSyntax> statements)
    {
        foreach (var statement in statements)
        {
            if (_scope.Pending.Count == 0)
            {
                Diagnostics.Warning(FlowDiagnosticCodes.UnreachableStatement, statement, "This statement follows a return or throw, so no state reaches it; remove it or move it before.");
                return;
            }

            Compile(statement);
        }
    }

    private void Compile(StatementSyntax statement)
    {
        switch (statement)
        {
            case BlockSyntax block:
                CompileStatements(block.Statements);
                break;
            case EmptyStatementSyntax:
                break;
            case ExpressionStatementSyntax expression:
                CompileExpression(expression);
                break;
            case IfStatementSyntax ifStatement:
                CompileIf(ifStatement);
                break;
            case ReturnStatementSyntax ret:
                if (ret.Expression is not null)
                {
                    Diagnostics.Error(FlowDiagnosticCodes.UnsupportedStatement, ret.Expression, "'return' ends the execution successfully and takes no value: store results in data[\"key\"] first, then 'return;'.");
                }

                Add(Auto("Succeed"), new JsonObject { ["Type"] = "Succeed" });
                break;
            case ThrowStatementSyntax throwStatement:
                CompileThrow(throwStatement);
                break;
            case TryStatementSyntax tryStatement:
                CompileTry(tryStatement);
                break;
            case UsingStatementSyntax usingStatement:
                if (RetryBlock(usingStatement) is { } work)
                {
                    AddWork(work);
                }

                break;
            case LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 }:
                Diagnostics.Error(FlowDiagnosticCodes.InvalidRetry, statement, "A using declaration has no block to retry: write 'using (Retry(...)) { Run<MyTask>(); }' around the one task.");
                break;
            default:
                Diagnostics.Error(FlowDiagnosticCodes.UnsupportedStatement, statement, Unsupported(statement));
                break;
        }
    }

    private static string Unsupported(StatementSyntax statement) => statement switch
    {
        ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax =>
            "Loops have no state machine equivalent: put the per-item states in a method and use Map(data[\"items\"], Iterator) over items stored with PutItemsAsync.",
        SwitchStatementSyntax => "'switch' is not supported: write 'if / else if / else', which becomes a Choice state.",
        LocalDeclarationStatementSyntax or LocalFunctionStatementSyntax =>
            "State machines keep values in the data, not in variables: assign to data[\"key\"] (a Pass state) or store a task's result with data[\"key\"] = Run<MyTask>().",
        _ => $"'{statement.Kind()}' is not supported in a state machine method. Supported: task calls (Run<T>), data[\"key\"] = ..., data.Update(...), if / else, return, throw new Error(\"cause\"), try / catch, using (Retry(...)), Map, Parallel and Wait.",
    };

    private void CompileExpression(ExpressionStatementSyntax statement)
    {
        switch (statement.Expression)
        {
            case AssignmentExpressionSyntax assignment:
                CompileAssignment(assignment);
                break;
            case InvocationExpressionSyntax invocation:
                var method = Method(invocation);
                if (IsFlow(method, "Run") || IsFlow(method, "Map") || IsFlow(method, "Parallel"))
                {
                    if (BuildWork(invocation, method!, null) is { } work)
                    {
                        AddWork(work);
                    }
                }
                else if (IsFlow(method, "Wait"))
                {
                    CompileWait(invocation, method!);
                }
                else if (IsFlow(method, "Retry"))
                {
                    Diagnostics.Error(FlowDiagnosticCodes.InvalidRetry, invocation, "Retry(...) configures the task inside a block: write 'using (Retry(...)) { Run<MyTask>(); }'.");
                }
                else if (method is not null && method.Name == "Update" && FlowSymbols.Is(method.ContainingType, Symbols.FlowData))
                {
                    CompileUpdate(invocation);
                }
                else if (method is not null && _methods.ContainsKey(method))
                {
                    Diagnostics.Error(FlowDiagnosticCodes.UnsupportedStatement, invocation, $"A state machine method cannot be called directly: run '{method.Name}' as a branch with Parallel({method.Name}) or per item with Map(data[\"items\"], {method.Name}).");
                }
                else if (method is not null || !Diagnostics.HasErrors)
                {
                    Diagnostics.Error(FlowDiagnosticCodes.UnsupportedStatement, invocation, $"'{invocation.Expression}' is not a state: call a task with Run<MyTask>(), or use Map, Parallel, Wait or data.Update. Code that does work belongs in a task's RunAsync.");
                }

                break;
            default:
                Diagnostics.Error(FlowDiagnosticCodes.UnsupportedStatement, statement, "This expression is not a state: call a task with Run<MyTask>(), assign to data[\"key\"], or use Map, Parallel, Wait or data.Update.");
                break;
        }
    }

    private void CompileAssignment(AssignmentExpressionSyntax assignment)
    {
        if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression))
        {
            Diagnostics.Error(FlowDiagnosticCodes.UnsupportedStatement, assignment, $"'{assignment.OperatorToken.Text}' computes a value, which a state machine cannot do: compute it in a task and store the result with data[\"key\"] = Run<MyTask>().");
            return;
        }

        if (DataPath(assignment.Left, report: true) is not { } target)
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidDataReference, assignment.Left, "A state machine can only assign to the data: data[\"key\"] = ... (keys are constants).");
            return;
        }

        if (target.Path == "$")
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidDataReference, assignment.Left, "The data itself cannot be replaced: assign a key (data[\"key\"] = ...) or merge with data.Update(...).");
            return;
        }

        var right = Strip(assignment.Right);
        if (right is InvocationExpressionSyntax invocation && Method(invocation) is { } method && (IsFlow(method, "Run") || IsFlow(method, "Map") || IsFlow(method, "Parallel")))
        {
            if (BuildWork(invocation, method, target.Path) is { } work)
            {
                AddWork(work);
            }

            return;
        }

        if (DataPath(right, report: true) is { } source)
        {
            Add(Auto($"Set {target.Display}"), new JsonObject { ["Type"] = "Pass", ["InputPath"] = source.Path, ["ResultPath"] = target.Path });
            return;
        }

        if (StaticValue(right) is { } value)
        {
            Add(Auto($"Set {target.Display}"), new JsonObject { ["Type"] = "Pass", ["Result"] = value.Node, ["ResultPath"] = target.Path });
        }
    }

    private void CompileUpdate(InvocationExpressionSyntax invocation)
    {
        if (invocation.Expression is MemberAccessExpressionSyntax member && DataPath(member.Expression, report: false) is not { Path: "$" })
        {
            Diagnostics.Error(FlowDiagnosticCodes.UnsupportedStatement, invocation, "Only the data itself can be updated: data.Update(...); set nested keys with data[\"a\"][\"b\"] = value.");
            return;
        }

        var argument = invocation.ArgumentList.Arguments.FirstOrDefault();
        if (argument is null || StaticValue(argument.Expression) is not { } value)
        {
            return;
        }

        if (value.Node is not JsonObject members)
        {
            Diagnostics.Error(FlowDiagnosticCodes.NotStaticValue, argument, "data.Update(...) takes an object of static members: new { key = value }, new JsonObject { [\"key\"] = value } or Json(\"{...}\").");
            return;
        }

        // Pass with Result and ResultPath "$" would replace the data; a dictionary update merges, so merge.
        var text = members.ToJsonString().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)
            .Replace("{", "\\{", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal);
        Add(
            Auto("Update data"),
            new JsonObject
            {
                ["Type"] = "Pass",
                ["Parameters"] = new JsonObject { ["data.$"] = $"States.JsonMerge($, States.StringToJson('{text}'), false)" },
                ["OutputPath"] = "$.data",
            });
    }

    private void CompileWait(InvocationExpressionSyntax invocation, IMethodSymbol method)
    {
        var arguments = Arguments(invocation, method);
        var key = Key(arguments);
        var state = new JsonObject { ["Type"] = "Wait" };
        var seconds = arguments.GetValueOrDefault("seconds");
        var timestamp = arguments.GetValueOrDefault("timestamp");
        if ((seconds is null) == (timestamp is null))
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidWait, invocation, "Wait needs exactly one of seconds: (a number or data[\"key\"]) and timestamp: (an ISO 8601 time such as \"2020-08-18T17:33:00Z\" or data[\"key\"]).");
            return;
        }

        if (seconds is not null)
        {
            if (DataPath(seconds, report: true) is { } path)
            {
                state["SecondsPath"] = path.Path;
            }
            else if (Model.GetConstantValue(seconds).Value is int or long && Convert.ToInt64(Model.GetConstantValue(seconds).Value, System.Globalization.CultureInfo.InvariantCulture) is var value && value >= 0)
            {
                state["Seconds"] = value;
            }
            else
            {
                Diagnostics.Error(FlowDiagnosticCodes.InvalidWait, seconds, "seconds: must be a non-negative whole number or a data reference such as data[\"wait_in_seconds\"].");
            }
        }
        else if (DataPath(timestamp!, report: true) is { } path)
        {
            state["TimestampPath"] = path.Path;
        }
        else if (Model.GetConstantValue(timestamp!).Value is string text && IsTimestamp(text))
        {
            state["Timestamp"] = text;
        }
        else
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidWait, timestamp!, "timestamp: must be an ISO 8601 time with a zone, such as \"2020-08-18T17:33:00Z\", or a data reference such as data[\"timestamp\"].");
        }

        Add(key ?? Auto("Wait"), state);
    }

    private static bool IsTimestamp(string text) =>
        text.Contains('T', StringComparison.Ordinal) && (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-') &&
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);

    private void CompileThrow(ThrowStatementSyntax statement)
    {
        var state = new JsonObject { ["Type"] = "Fail" };
        string name;
        if (statement.Expression is null)
        {
            var variable = _catchVariables.Count > 0 ? _catchVariables.Peek() : null;
            if (variable is null)
            {
                Diagnostics.Error(FlowDiagnosticCodes.InvalidThrow, statement, "'throw;' rethrows only inside 'catch (Exception e)' (the error is kept in data[\"e\"]); elsewhere write throw new ErrorType(\"cause\").");
                return;
            }

            state["ErrorPath"] = $"{Key("$", variable)}['Error']";
            state["CausePath"] = $"{Key("$", variable)}['Cause']";
            name = "Rethrow";
        }
        else if (Strip(statement.Expression) is BaseObjectCreationExpressionSyntax creation && Model.GetTypeInfo(creation).Type is { } type)
        {
            name = Symbols.ErrorName(type);
            state["Error"] = name;
            var arguments = creation.ArgumentList?.Arguments ?? default;
            if (arguments.Count > 1 || (arguments.Count == 1 && Model.GetConstantValue(arguments[0].Expression).Value is not string))
            {
                Diagnostics.Error(FlowDiagnosticCodes.InvalidThrow, creation, $"A Fail state's cause is static: throw new {type.Name}(\"a constant message\") or throw new {type.Name}().");
            }
            else if (arguments.Count == 1)
            {
                state["Cause"] = (string)Model.GetConstantValue(arguments[0].Expression).Value!;
            }

            if (creation.Initializer is not null)
            {
                Diagnostics.Error(FlowDiagnosticCodes.InvalidThrow, creation.Initializer, "A Fail state has only an error and a cause: remove the object initializer.");
            }

            name = $"Throw {name}";
        }
        else
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidThrow, statement, "A Fail state needs a static error: throw new ErrorType(\"cause\"), where the exception type's name is the error.");
            return;
        }

        Add(Auto(name), state);
    }

    private void CompileTry(TryStatementSyntax statement)
    {
        if (statement.Finally is not null)
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidCatch, statement.Finally, "'finally' has no state machine equivalent: put the states after the try statement (they run when the task succeeds or a catch handles the error).");
        }

        Work? work = null;
        if (statement.Block.Statements is [UsingStatementSyntax retry])
        {
            work = RetryBlock(retry);
        }
        else if (statement.Block.Statements is [ExpressionStatementSyntax single])
        {
            work = WorkStatement(single, FlowDiagnosticCodes.InvalidTry);
        }
        else
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidTry, statement.Block, "A try block holds exactly one task call, Map or Parallel (optionally inside 'using (Retry(...))'): its errors become the state's Catch. Move other statements after the try statement.");
        }

        if (work is null)
        {
            return;
        }

        AddWork(work);
        var exits = new List<Exit>(_scope.Pending);
        var catchers = new JsonArray();
        work.State["Catch"] = catchers;
        foreach (var clause in statement.Catches)
        {
            var (errors, variable) = CatchErrors(clause);
            var catcher = new JsonObject { ["ErrorEquals"] = new JsonArray([.. errors.Select(e => (JsonNode)JsonValue.Create(e))]) };
            catcher["ResultPath"] = variable is null ? null : Key("$", variable);
            catchers.Add(catcher);
            _scope.Pending = [new Exit(catcher, "Next", CanEnd: false)];
            _catchVariables.Push(variable);
            CompileStatements(clause.Block.Statements);
            _catchVariables.Pop();
            exits.AddRange(_scope.Pending);
        }

        _scope.Pending = exits;
    }

    private (List<string> Errors, string? Variable) CatchErrors(CatchClauseSyntax clause)
    {
        if (clause.Declaration is null)
        {
            return ([Rheo.States.ErrorNames.All], null);
        }

        var variable = clause.Declaration.Identifier.IsKind(SyntaxKind.None) ? null : clause.Declaration.Identifier.Text;
        var declared = Model.GetTypeInfo(clause.Declaration.Type).Type;
        if (clause.Filter is null)
        {
            return ([declared is null ? "States.ALL" : Symbols.ErrorName(declared)], variable);
        }

        var names = new List<string>();
        if (!FlowSymbols.Is(declared, Symbols.Exception) || variable is null || !FilterErrors(clause.Filter.FilterExpression, variable, names))
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidCatch, clause.Filter, "A catch filter can only list error types: catch (Exception e) when (e is KeyNotFoundException or States.Timeout). Conditions on the data belong in an if after the catch.");
            return ([Rheo.States.ErrorNames.All], variable);
        }

        if (names.Contains(Rheo.States.ErrorNames.All) && names.Count > 1)
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidCatch, clause.Filter, "'Exception' catches every error, so it cannot be listed with others: write a catch clause of its own, last.");
        }

        return (names, variable);
    }

    private bool FilterErrors(ExpressionSyntax filter, string variable, List<string> names)
    {
        switch (Strip(filter))
        {
            case BinaryExpressionSyntax either when either.IsKind(SyntaxKind.LogicalOrExpression):
                return FilterErrors(either.Left, variable, names) && FilterErrors(either.Right, variable, names);
            case BinaryExpressionSyntax isType when isType.IsKind(SyntaxKind.IsExpression) && IsVariable(isType.Left, variable) && Model.GetTypeInfo(isType.Right).Type is { } type:
                names.Add(Symbols.ErrorName(type));
                return true;
            case IsPatternExpressionSyntax pattern when IsVariable(pattern.Expression, variable):
                return PatternErrors(pattern.Pattern, names);
            default:
                return false;
        }
    }

    private static bool IsVariable(ExpressionSyntax expression, string variable) => Strip(expression) is IdentifierNameSyntax id && id.Identifier.Text == variable;

    private bool PatternErrors(PatternSyntax pattern, List<string> names)
    {
        switch (pattern)
        {
            case BinaryPatternSyntax either when either.IsKind(SyntaxKind.OrPattern):
                return PatternErrors(either.Left, names) && PatternErrors(either.Right, names);
            case ParenthesizedPatternSyntax inner:
                return PatternErrors(inner.Pattern, names);
            case TypePatternSyntax typePattern when Model.GetTypeInfo(typePattern.Type).Type is { } type:
                names.Add(Symbols.ErrorName(type));
                return true;
            case ConstantPatternSyntax constant when (Model.GetSymbolInfo(constant.Expression).Symbol as ITypeSymbol ?? Model.GetTypeInfo(constant.Expression).Type) is { } type:
                names.Add(Symbols.ErrorName(type));
                return true;
            case DeclarationPatternSyntax declaration when Model.GetTypeInfo(declaration.Type).Type is { } type:
                names.Add(Symbols.ErrorName(type));
                return true;
            default:
                return false;
        }
    }

    private Work? RetryBlock(UsingStatementSyntax statement)
    {
        var retriers = new JsonArray();
        StatementSyntax current = statement;
        while (current is UsingStatementSyntax block)
        {
            if (block.Expression is not InvocationExpressionSyntax call || !IsFlow(Method(call), "Retry"))
            {
                Diagnostics.Error(FlowDiagnosticCodes.InvalidRetry, (SyntaxNode?)block.Expression ?? block, "In a state machine, 'using' only takes a retrier: using (Retry(onExceptions: [typeof(MyError)], interval: 1, maxAttempts: 3, backoffRate: 2.0)) { ... }.");
                return null;
            }

            retriers.Add(Retrier(call));
            current = block.Statement is BlockSyntax { Statements: [var only] } ? only : block.Statement;
        }

        if (current is not ExpressionStatementSyntax single)
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidRetry, current, "A retry block wraps exactly one task call, Map or Parallel. To also catch its errors, put the retry block alone inside the try: try { using (Retry()) { Run<MyTask>(); } } catch { ... }.");
            return null;
        }

        var work = WorkStatement(single, FlowDiagnosticCodes.InvalidRetry);
        if (work is null)
        {
            return null;
        }

        for (var i = 0; i < retriers.Count - 1; i++)
        {
            if (retriers[i]!["ErrorEquals"]!.AsArray().Any(e => e!.GetValue<string>() == Rheo.States.ErrorNames.All))
            {
                Diagnostics.Error(FlowDiagnosticCodes.InvalidRetryOption, statement, "A retrier for every error (no onExceptions) must be the innermost retry block: the ones inside it would never be reached.");
            }
        }

        work.State["Retry"] = retriers;
        return work;
    }

    private JsonObject Retrier(InvocationExpressionSyntax call)
    {
        var arguments = Arguments(call, Method(call)!);
        var errors = new List<string>();
        if (arguments.TryGetValue("onExceptions", out var list))
        {
            var elements = Strip(list) switch
            {
                CollectionExpressionSyntax collection => collection.Elements.Select(e => (e as ExpressionElementSyntax)?.Expression).ToList(),
                ArrayCreationExpressionSyntax array => array.Initializer?.Expressions.Select(e => (ExpressionSyntax?)e).ToList(),
                ImplicitArrayCreationExpressionSyntax array => array.Initializer.Expressions.Select(e => (ExpressionSyntax?)e).ToList(),
                _ => null,
            };
            foreach (var element in elements ?? [null])
            {
                if (element is TypeOfExpressionSyntax typeOf && Model.GetTypeInfo(typeOf.Type).Type is { } type && (FlowSymbols.Is(type, Symbols.Exception) || FlowSymbols.Derives(type, Symbols.Exception)))
                {
                    errors.Add(Symbols.ErrorName(type));
                }
                else
                {
                    Diagnostics.Error(FlowDiagnosticCodes.InvalidRetryOption, (SyntaxNode?)element ?? list, "onExceptions: lists exception types: onExceptions: [typeof(TimeoutException), typeof(States.Timeout)].");
                }
            }

            if (errors.Count == 0 && elements is { Count: 0 })
            {
                Diagnostics.Error(FlowDiagnosticCodes.InvalidRetryOption, list, "onExceptions: is empty, so nothing would be retried: list exception types, or leave it out to retry every error.");
            }
            else if (errors.Contains(Rheo.States.ErrorNames.All) && errors.Count > 1)
            {
                Diagnostics.Error(FlowDiagnosticCodes.InvalidRetryOption, list, "typeof(Exception) retries every error, so it cannot be listed with others: leave onExceptions: out instead.");
            }
        }

        var retrier = new JsonObject { ["ErrorEquals"] = new JsonArray([.. (errors.Count == 0 ? [Rheo.States.ErrorNames.All] : errors).Distinct().Select(e => (JsonNode)JsonValue.Create(e))]) };
        retrier["IntervalSeconds"] = Number(arguments, "interval", 1, 1, int.MaxValue, "interval: is the number of seconds before the first retry, a whole number of at least 1");
        retrier["MaxAttempts"] = Number(arguments, "maxAttempts", 3, 1, int.MaxValue, "maxAttempts: is how many times to retry, a whole number of at least 1");
        if (arguments.TryGetValue("backoffRate", out var rate))
        {
            var value = Model.GetConstantValue(rate).Value is { } constant and not string and not bool ? Convert.ToDouble(constant, System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
            if (!(value >= 1.0))
            {
                Diagnostics.Error(FlowDiagnosticCodes.InvalidRetryOption, rate, "backoffRate: multiplies the interval after each retry: a constant of at least 1.0.");
            }

            retrier["BackoffRate"] = double.IsNaN(value) ? 2.0 : value;
        }
        else
        {
            retrier["BackoffRate"] = 2.0;
        }

        return retrier;
    }

    private int Number(Dictionary<string, ExpressionSyntax> arguments, string name, int fallback, int min, int max, string meaning)
    {
        if (!arguments.TryGetValue(name, out var expression))
        {
            return fallback;
        }

        if (Model.GetConstantValue(expression).Value is int value && value >= min && value <= max)
        {
            return value;
        }

        Diagnostics.Error(name is "interval" or "maxAttempts" or "backoffRate" ? FlowDiagnosticCodes.InvalidRetryOption : FlowDiagnosticCodes.InvalidArgument, expression, $"{meaning}; '{expression}' is not.");
        return fallback;
    }

    private Work? WorkStatement(ExpressionStatementSyntax statement, string code)
    {
        var expression = statement.Expression;
        string? resultPath = null;
        if (expression is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment && DataPath(assignment.Left, report: true) is { } target && target.Path != "$")
        {
            resultPath = target.Path;
            expression = Strip(assignment.Right);
        }

        if (expression is InvocationExpressionSyntax invocation && Method(invocation) is { } method && (IsFlow(method, "Run") || IsFlow(method, "Map") || IsFlow(method, "Parallel")))
        {
            return BuildWork(invocation, method, resultPath);
        }

        Diagnostics.Error(code, statement, code == FlowDiagnosticCodes.InvalidTry
            ? "A try block holds exactly one task call (Run<MyTask>()), Map or Parallel, optionally inside 'using (Retry(...))'."
            : "A retry block wraps exactly one task call (Run<MyTask>()), Map or Parallel.");
        return null;
    }

    private Work? BuildWork(InvocationExpressionSyntax invocation, IMethodSymbol method, string? resultPath) => method.Name switch
    {
        "Run" => BuildTask(invocation, method, resultPath),
        "Map" => BuildMap(invocation, method, resultPath),
        _ => BuildParallel(invocation, resultPath),
    };

    private Work? BuildTask(InvocationExpressionSyntax invocation, IMethodSymbol method, string? resultPath)
    {
        var type = method.TypeArguments.FirstOrDefault();
        if (type is null || type.TypeKind == TypeKind.Error)
        {
            return null;
        }

        if (!_tasks.TryGetValue(type.Name, out var task) || !SymbolEqualityComparer.Default.Equals(task.Symbol, type))
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidTask, invocation, $"Run<{type?.Name}>: the task must be a class of this flow file deriving from FlowTask.");
            return null;
        }

        var arguments = Arguments(invocation, method);
        var input = "$";
        if (arguments.TryGetValue("input", out var inputExpression))
        {
            if (DataPath(inputExpression, report: true) is { } path)
            {
                input = path.Path;
            }
            else
            {
                Diagnostics.Error(FlowDiagnosticCodes.InvalidArgument, inputExpression, "A task's input is the data or a part of it: Run<MyTask>(data[\"key\"]).");
            }
        }

        var definition = task.Definition;
        if (resultPath is not null && definition.Service == Rheo.Flows.TaskService.Ecs)
        {
            Diagnostics.Error(FlowDiagnosticCodes.NoResult, invocation, $"The task '{definition.Name}' uses the ecs service, which returns no result: call it without assigning, or use lambda, lambda:container or ecs:worker to get a result.");
        }

        var timeout = Number(arguments, "timeout", definition.Timeout, 1, 31_536_000, "timeout: is the state's timeout in seconds, a positive whole number");
        var state = new JsonObject
        {
            ["Type"] = "Task",
            ["Resource"] = definition.Resource,
            ["Parameters"] = new JsonObject
            {
                ["meta"] = new JsonObject
                {
                    [$"{TaskName}.$"] = "$$.Execution.Name",
                    ["state_name.$"] = "$$.State.Name",
                    ["state_machine_name.$"] = "$$.StateMachine.Name",
                },
                ["data.$"] = input,
            },
            ["ResultPath"] = resultPath,
            ["TimeoutSeconds"] = timeout,
        };
        return new Work(Key(arguments) ?? Auto(definition.Name), state);
    }

    private Work? BuildMap(InvocationExpressionSyntax invocation, IMethodSymbol method, string? resultPath)
    {
        var arguments = Arguments(invocation, method);
        var items = arguments.TryGetValue("items", out var itemsExpression) ? DataPath(itemsExpression, report: true) : null;
        if (items is null)
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidArgument, (SyntaxNode?)itemsExpression ?? invocation, "Map's items are a pointer in the data, as returned by PutItemsAsync: Map(data[\"items\"], Iterator).");
        }

        var iterator = arguments.TryGetValue("iterator", out var iteratorExpression) ? FlowMethod(iteratorExpression, "Map's iterator") : null;
        var maxConcurrency = Number(arguments, "maxConcurrency", 0, 0, int.MaxValue, "maxConcurrency: is how many iterations run at once (0 for no limit), a non-negative whole number");
        var name = Key(arguments) ?? Auto($"Map {iterator?.Name}".TrimEnd());
        if (items is null || iterator is null)
        {
            return null;
        }

        string Item(string field) => Key(items.Path, field);
        var state = new JsonObject
        {
            ["Type"] = "Map",
            ["ItemsPath"] = Item("items"),
            ["ItemSelector"] = new JsonObject
            {
                ["items_result_table_name.$"] = Item("table_name"),
                ["items_result_partition_key.$"] = Item("partition_key"),
                ["items_result_key.$"] = Item("key"),
                ["context_index.$"] = "$$.Map.Item.Index",
                ["context_value.$"] = "$$.Map.Item.Value",
            },
            ["MaxConcurrency"] = maxConcurrency,
            ["ItemProcessor"] = Processor(Body(iterator, iteratorExpression!)),
            ["ResultPath"] = resultPath,
        };
        return new Work(name, state);
    }

    private static JsonObject Processor(JsonObject body) => new()
    {
        ["ProcessorConfig"] = new JsonObject { ["Mode"] = "INLINE" },
        ["StartAt"] = body["StartAt"]!.DeepClone(),
        ["States"] = body["States"]!.DeepClone(),
    };

    private Work? BuildParallel(InvocationExpressionSyntax invocation, string? resultPath)
    {
        var name = Auto("Parallel");
        var branches = new JsonArray();
        foreach (var argument in invocation.ArgumentList.Arguments)
        {
            if (FlowMethod(argument.Expression, "A Parallel branch") is { } branch)
            {
                branches.Add(Body(branch, argument));
            }
        }

        if (invocation.ArgumentList.Arguments.Count == 0)
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidArgument, invocation, "Parallel needs at least one branch: Parallel(Branch1, Branch2), each a static method taking FlowData.");
        }

        return branches.Count == 0 ? null : new Work(name, new JsonObject { ["Type"] = "Parallel", ["Branches"] = branches, ["ResultPath"] = resultPath });
    }

    private IMethodSymbol? FlowMethod(ExpressionSyntax expression, string role)
    {
        var info = Model.GetSymbolInfo(expression);
        if ((info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) is IMethodSymbol method && _methods.ContainsKey(method.OriginalDefinition))
        {
            return (IMethodSymbol)method.OriginalDefinition;
        }

        Diagnostics.Error(FlowDiagnosticCodes.InvalidArgument, expression, $"{role} must name a static method of this flow file taking FlowData (static void Iterator(FlowData data) {{ ... }}), without calling it.");
        return null;
    }

    private void CompileIf(IfStatementSyntax statement)
    {
        var choices = new JsonArray();
        var choice = new JsonObject { ["Type"] = "Choice", ["Choices"] = choices };
        Add(Auto("Choice"), choice);
        var exits = new List<Exit>();
        var current = statement;
        while (true)
        {
            var rule = Rule(current.Condition) ?? new JsonObject();
            choices.Add(rule);
            _scope.Pending = [new Exit(rule, "Next", CanEnd: false)];
            Compile(current.Statement);
            exits.AddRange(_scope.Pending);
            if (current.Else is null)
            {
                exits.Add(new Exit(choice, "Default", CanEnd: false));
                break;
            }

            if (current.Else.Statement is IfStatementSyntax elseIf)
            {
                current = elseIf;
                continue;
            }

            _scope.Pending = [new Exit(choice, "Default", CanEnd: false)];
            Compile(current.Else.Statement);
            exits.AddRange(_scope.Pending);
            break;
        }

        _scope.Pending = exits;
    }

    private void AddWork(Work work) => Add(work.Name, work.State);

    /// <summary>Adds a state: the open exits now lead to it, and its own exit (none for Choice, Succeed, Fail) is open.</summary>
    private void Add(string name, JsonObject state)
    {
        foreach (var exit in _scope.Pending)
        {
            exit.Owner[exit.Field] = name;
        }

        _scope.States[name] = state;
        _scope.Pending = state["Type"]!.GetValue<string>() is "Succeed" or "Fail" or "Choice" ? [] : [new Exit(state, "Next", CanEnd: true)];
    }

    private void Finish(Scope scope)
    {
        string? succeed = null;
        foreach (var exit in scope.Pending)
        {
            if (exit.CanEnd)
            {
                exit.Owner["End"] = true;
                continue;
            }

            if (succeed is null)
            {
                succeed = Auto("Succeed");
                scope.States[succeed] = new JsonObject { ["Type"] = "Succeed" };
            }

            exit.Owner[exit.Field] = succeed;
        }

        scope.Pending = [];
    }

    private string Auto(string baseName)
    {
        if (baseName.Length > 72)
        {
            baseName = baseName[..72];
        }

        var name = baseName;
        for (var n = 2; _explicitKeys.Contains(name) || !_names.Add(name); n++)
        {
            name = $"{baseName} {n}";
        }

        return name;
    }

    private string? Key(Dictionary<string, ExpressionSyntax> arguments)
    {
        if (!arguments.TryGetValue("key", out var expression))
        {
            return null;
        }

        if (Model.GetConstantValue(expression).Value is not string key || key.Length is 0 or > 80)
        {
            Diagnostics.Error(FlowDiagnosticCodes.InvalidArgument, expression, "key: names the state: a constant string of 1 to 80 characters.");
            return null;
        }

        if (!_names.Add(key))
        {
            Diagnostics.Error(FlowDiagnosticCodes.DuplicateStateName, expression, $"Another state of this state machine is already named '{key}' (state names are unique across a machine, its branches and iterators): choose another key.");
        }

        return key;
    }

    private static Dictionary<string, ExpressionSyntax> Arguments(InvocationExpressionSyntax invocation, IMethodSymbol method)
    {
        var result = new Dictionary<string, ExpressionSyntax>(StringComparer.Ordinal);
        var arguments = invocation.ArgumentList.Arguments;
        for (var i = 0; i < arguments.Count; i++)
        {
            var name = arguments[i].NameColon?.Name.Identifier.Text ?? (i < method.Parameters.Length ? method.Parameters[i].Name : null);
            if (name is not null)
            {
                result[name] = arguments[i].Expression;
            }
        }

        return result;
    }

    private IMethodSymbol? Method(InvocationExpressionSyntax invocation)
    {
        var info = Model.GetSymbolInfo(invocation);
        return (info.Symbol ?? (info.CandidateSymbols.Length == 1 ? info.CandidateSymbols[0] : null)) as IMethodSymbol;
    }

    private bool IsFlow(IMethodSymbol? method, string name) => method is not null && method.Name == name && FlowSymbols.Is(method.ContainingType, Symbols.Flow);

    private static ExpressionSyntax Strip(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    /// <summary>A path from a data reference: <c>data</c> → <c>$</c>, <c>data["a"][0]</c> → <c>$['a'][0]</c>; null when the expression is not one.</summary>
    private DataReference? DataPath(ExpressionSyntax expression, bool report)
    {
        expression = Strip(expression);
        if (expression is IdentifierNameSyntax && SymbolEqualityComparer.Default.Equals(Model.GetSymbolInfo(expression).Symbol, _scope.Data))
        {
            return new DataReference("$", "data");
        }

        if (expression is not ElementAccessExpressionSyntax access || DataPath(access.Expression, report) is not { } parent)
        {
            return null;
        }

        var argument = access.ArgumentList.Arguments.Count == 1 ? access.ArgumentList.Arguments[0].Expression : null;
        switch (argument is null ? null : Model.GetConstantValue(argument).Value)
        {
            case string key:
                return new DataReference(Key(parent.Path, key), parent.Path == "$" ? key : $"{parent.Display}.{key}");
            case int index when index >= 0:
                return new DataReference($"{parent.Path}[{index}]", $"{parent.Display}[{index}]");
            default:
                if (report)
                {
                    Diagnostics.Error(FlowDiagnosticCodes.InvalidDataReference, access.ArgumentList, "Data keys are constants: data[\"key\"] or data[\"list\"][0]. A key computed at run time belongs in a task.");
                }

                return new DataReference($"{parent.Path}['?']", parent.Display);
        }
    }

    private static string Key(string path, string key) =>
        $"{path}['{key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

    private sealed record DataReference(string Path, string Display);

    private sealed record Work(string Name, JsonObject State);

    private sealed record Exit(JsonObject Owner, string Field, bool CanEnd);

    private sealed class Scope
    {
        public Scope(IParameterSymbol data)
        {
            Data = data;
            Root = new JsonObject { ["StartAt"] = string.Empty, [nameof(States)] = States };
            Pending = [new Exit(Root, "StartAt", CanEnd: false)];
        }

        public IParameterSymbol Data { get; }

        public JsonObject Root { get; }

        public JsonObject States { get; } = [];

        public List<Exit> Pending { get; set; }
    }
}
