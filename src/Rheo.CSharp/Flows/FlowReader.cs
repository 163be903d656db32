using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rheo.Flows;

namespace Rheo.CSharp.Flows;

/// <summary>A task class of the file and its validated definition.</summary>
internal sealed record TaskInfo(INamedTypeSymbol Symbol, FlowTaskDefinition Definition);

/// <summary>Reads a flow file's tasks, event processors and state machine methods, validating each.</summary>
internal sealed partial class FlowReader
{
    private static readonly int[] LambdaMemory = [128, 512, 1024, 1536, 2048, 3008];
    private static readonly int[] EcsCpu = [256, 512, 1024, 2048, 4096];
    private static readonly string[] Services = [TaskService.Lambda, TaskService.LambdaContainer, TaskService.Ecs, TaskService.EcsWorker, TaskService.LambdaPexpmRunner];
    private static readonly string[] WorkerSettings = ["Spec", "Concurrency", "HeartbeatInterval", "AutoscalingMin", "AutoscalingMax"];
    private static readonly string[] EventTypes = ["ExecutionStarted", "ExecutionSucceeded", "ExecutionFailed"];

    private readonly SyntaxTree _tree;
    private readonly FlowDiagnostics _diagnostics;

    public FlowReader(Compilation compilation, SyntaxTree tree, FlowDiagnostics diagnostics)
    {
        _tree = tree;
        _diagnostics = diagnostics;
        Model = compilation.GetSemanticModel(tree);
        Symbols = new FlowSymbols(compilation);
    }

    public SemanticModel Model { get; }

    public FlowSymbols Symbols { get; }

    public FlowDiagnostics Diagnostics => _diagnostics;

    public Dictionary<string, TaskInfo> ReadTasks()
    {
        var tasks = new Dictionary<string, TaskInfo>(StringComparer.Ordinal);
        foreach (var (syntax, symbol) in Classes().Where(c => FlowSymbols.Derives(c.Symbol, Symbols.FlowTask)))
        {
            var name = symbol.Name;
            if (!char.IsUpper(name[0]) || name.Contains('_', StringComparison.Ordinal))
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidTask, syntax.Identifier.Parent!, $"The task class '{name}' must be PascalCase (such as 'LoadOrders'): its name becomes the task's name.");
            }

            if (symbol.IsAbstract || symbol.IsGenericType || !symbol.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public))
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidTask, syntax, $"The task class '{name}' must be a non-abstract, non-generic class with a public parameterless constructor: a new instance runs each attempt.");
            }

            var definition = ReadSettings(syntax, symbol);
            var overridesRun = symbol.GetMembers("RunAsync").OfType<IMethodSymbol>().Any(m => m.IsOverride);
            if (!overridesRun && definition.Service != TaskService.EcsWorker)
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidTask, syntax, $"The task class '{name}' does not override RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken): add it, or use Service = TaskService.EcsWorker with a worker Spec.");
            }
            else if (overridesRun && definition.Service == TaskService.EcsWorker)
            {
                _diagnostics.Warning(FlowDiagnosticCodes.IgnoredSetting, syntax, $"The task '{name}' uses the ecs:worker service, which runs the worker named by Spec; its RunAsync is never called.");
            }

            if (!tasks.TryAdd(name, new TaskInfo(symbol, definition)))
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidTask, syntax, $"Another task class is named '{name}': task names must be unique in a flow file.");
            }
        }

        return tasks;
    }

    public List<FlowEventProcessorDefinition> ReadEventProcessors()
    {
        var result = new List<FlowEventProcessorDefinition>();
        foreach (var (syntax, symbol) in Classes().Where(c => FlowSymbols.Derives(c.Symbol, Symbols.EventProcessor)))
        {
            var tags = EventTypes.Where(t => symbol.GetMembers($"GetCustomTags{t}Async").OfType<IMethodSymbol>().Any(m => m.IsOverride)).ToList();
            if (tags.Count == 0)
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidEventProcessor, syntax, $"The event processor '{symbol.Name}' overrides no custom tag method: override at least one of {string.Join(", ", EventTypes.Select(t => $"GetCustomTags{t}Async"))}.");
            }

            if (symbol.IsAbstract || !symbol.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public))
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidEventProcessor, syntax, $"The event processor '{symbol.Name}' must be a non-abstract class with a public parameterless constructor.");
            }

            result.Add(new FlowEventProcessorDefinition(symbol.Name, symbol.ToDisplayString(), tags));
        }

        return result;
    }

    public List<FlowStateMachine> ReadStateMachines(Dictionary<string, TaskInfo> tasks)
    {
        var methods = new Dictionary<string, (MethodDeclarationSyntax Syntax, IMethodSymbol Symbol)>(StringComparer.Ordinal);
        foreach (var syntax in _tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            if (Model.GetDeclaredSymbol(syntax) is not IMethodSymbol symbol || !symbol.Parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Type, Symbols.FlowData)))
            {
                continue;
            }

            if (!symbol.IsStatic || symbol.Parameters.Length != 1 || !symbol.ReturnsVoid || symbol.IsGenericMethod)
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidStateMachine, syntax.Identifier.Parent!, $"The state machine method '{symbol.Name}' must be 'static void {symbol.Name}(FlowData data)'.");
                continue;
            }

            if (syntax.Body is null)
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidStateMachine, syntax, $"The state machine method '{symbol.Name}' needs a block body: '{{ ... }}'.");
                continue;
            }

            if (!methods.TryAdd(symbol.Name, (syntax, symbol)))
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidStateMachine, syntax, $"Another state machine method is named '{symbol.Name}': state machine, iterator and branch names must be unique in a flow file.");
            }
        }

        var translator = new MachineTranslator(this, tasks, methods.Values.ToDictionary(m => (ISymbol)m.Symbol, m => m.Syntax, SymbolEqualityComparer.Default));
        var result = new List<FlowStateMachine>();
        foreach (var (name, (syntax, symbol)) in methods)
        {
            var triggers = new List<JsonObject>();
            var exported = name == "Main";
            string? processor = null;
            AttributeSyntax? processEvents = null;
            foreach (var attribute in symbol.GetAttributes())
            {
                var at = attribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax;
                var type = attribute.AttributeClass;
                if (FlowSymbols.Is(type, Symbols.ExportAttribute))
                {
                    exported = true;
                }
                else if (FlowSymbols.Is(type, Symbols.ScheduleAttribute))
                {
                    exported = true;
                    triggers.Add(Schedule(attribute, at!));
                }
                else if (FlowSymbols.Is(type, Symbols.SubscribeAttribute))
                {
                    exported = true;
                    triggers.Add(Subscribe(attribute, at!));
                }
                else if (FlowSymbols.Is(type, Symbols.ProcessEventsAttribute))
                {
                    processEvents = at;
                    processor = Processor(attribute, at!);
                }
            }

            if (processEvents is not null && !exported)
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidAttribute, processEvents, $"[ProcessEvents] on '{name}', which is not exported, has no execution of its own to watch: add [Export] (or [Schedule] / [Subscribe]), or remove it.");
            }

            if (exported)
            {
                var definition = translator.Translate(symbol);
                if (!_diagnostics.HasErrors)
                {
                    foreach (var problem in Rheo.States.StateMachineDefinition.Validate(definition.ToJsonString()))
                    {
                        _diagnostics.Error(FlowDiagnosticCodes.GeneratedDefinitionInvalid, syntax.Identifier.Parent!, $"The definition generated for '{name}' is invalid ({problem}); this is a defect of the flow compiler: please report it with the flow file.");
                    }
                }

                result.Add(new FlowStateMachine(name, definition, true, triggers, processor));
            }
        }

        // Methods reached by no exported machine still get checked, so every diagnostic shows at once.
        foreach (var (_, (_, symbol)) in methods.Where(m => !translator.Visited.Contains(m.Value.Symbol)))
        {
            translator.Translate(symbol);
        }

        if (result.Count == 0 && !_diagnostics.HasErrors)
        {
            _diagnostics.Error(FlowDiagnosticCodes.NoStateMachine, _tree.GetRoot(), "The flow file has no state machine: add 'public static void Main(FlowData data) { ... }' to a static class, or mark a state machine method with [Export].");
        }

        return result;
    }

    private IEnumerable<(ClassDeclarationSyntax Syntax, INamedTypeSymbol Symbol)> Classes() =>
        _tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>()
            .Select(c => (Syntax: c, Symbol: Model.GetDeclaredSymbol(c) as INamedTypeSymbol))
            .Where(c => c.Symbol is not null)
            .Select(c => (c.Syntax, c.Symbol!));

    private FlowTaskDefinition ReadSettings(ClassDeclarationSyntax syntax, INamedTypeSymbol symbol)
    {
        var attribute = symbol.GetAttributes().FirstOrDefault(a => FlowSymbols.Is(a.AttributeClass, Symbols.TaskSettingsAttribute));
        var values = attribute?.NamedArguments.ToDictionary(a => a.Key, a => a.Value.Value, StringComparer.Ordinal) ?? [];
        var at = attribute?.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax;
        SyntaxNode Where(string setting) =>
            (SyntaxNode?)at?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == setting) ?? (SyntaxNode?)at ?? syntax.Identifier.Parent!;
        T Get<T>(string setting, T fallback) => values.TryGetValue(setting, out var v) && v is T t ? t! : fallback;
        bool Has(string setting) => values.ContainsKey(setting);

        var name = symbol.Name;
        var service = Get("Service", TaskService.Lambda);
        var timeout = Get("Timeout", 300);
        var cpu = Get("Cpu", 1024);
        var memory = Get("Memory", 2048);
        var spec = Get<string?>("Spec", null);
        var concurrency = Get("Concurrency", 1);
        var heartbeat = Get("HeartbeatInterval", 0);
        var min = Get("AutoscalingMin", 1);
        var max = Get("AutoscalingMax", 1);
        void Invalid(string setting, string message) => _diagnostics.Error(FlowDiagnosticCodes.InvalidTaskSetting, Where(setting), $"Task '{name}': {message}");
        void Ignored(string setting, string message) => _diagnostics.Warning(FlowDiagnosticCodes.IgnoredSetting, Where(setting), $"Task '{name}': {message}");

        var lambda = service is TaskService.Lambda or TaskService.LambdaContainer or TaskService.LambdaPexpmRunner;
        var worker = service == TaskService.EcsWorker;
        if (!Services.Contains(service, StringComparer.Ordinal))
        {
            Invalid("Service", $"Service '{service}' is not a service; valid: {string.Join(", ", Services.Take(4))} (TaskService.Lambda, LambdaContainer, Ecs, EcsWorker).");
        }
        else if (service == TaskService.LambdaPexpmRunner)
        {
            _diagnostics.Warning(FlowDiagnosticCodes.DeprecatedService, Where("Service"), $"Task '{name}': the lambda:pexpm-runner service is deprecated: use TaskService.LambdaContainer for bundles over 250 MB.");
        }

        if (timeout < 1)
        {
            Invalid("Timeout", $"Timeout {timeout} must be a positive number of seconds (default 300).");
        }
        else if (lambda && timeout > 900)
        {
            Invalid("Timeout", $"Timeout {timeout} exceeds the 900 seconds a Lambda function may run: use TaskService.Ecs or TaskService.EcsWorker for longer tasks.");
        }

        if (lambda)
        {
            if (Has("Cpu"))
            {
                Ignored("Cpu", $"Cpu is only used by the ecs services; service '{service}' ignores it.");
            }

            if (!LambdaMemory.Contains(memory))
            {
                Invalid("Memory", $"Memory {memory} is not a Lambda memory size; valid: {string.Join(", ", LambdaMemory)}.");
            }
        }
        else if (Services.Contains(service, StringComparer.Ordinal))
        {
            if (!EcsCpu.Contains(cpu))
            {
                Invalid("Cpu", $"Cpu {cpu} is not an ECS cpu value; valid: {string.Join(", ", EcsCpu)}.");
            }
            else if (memory < 2 * cpu)
            {
                _diagnostics.Warning(FlowDiagnosticCodes.InvalidTaskSetting, Where("Memory"), $"Task '{name}': Memory {memory} is below twice the cpu ({2 * cpu}); ECS tasks generally need at least that.");
            }
        }

        if (worker)
        {
            if (string.IsNullOrWhiteSpace(spec))
            {
                Invalid("Spec", "the ecs:worker service needs Spec, the worker class deriving from TaskWorker: Spec = \"MyCompany.Workers.OrderWorker\".");
            }
            else if (!SpecFormat().IsMatch(spec))
            {
                Invalid("Spec", $"Spec '{spec}' is not a type name: write 'Namespace.Type' or 'Namespace.Type, Assembly'.");
            }

            if (concurrency is < 1 or > 100)
            {
                Invalid("Concurrency", $"Concurrency {concurrency} must be in 1..100 (messages one worker handles at once; default 1).");
            }

            if (heartbeat < 0 || (heartbeat > 0 && heartbeat >= timeout))
            {
                Invalid("HeartbeatInterval", $"HeartbeatInterval {heartbeat} must be positive and below the timeout ({timeout} s), or 0 for no heartbeats.");
            }

            if (min < 0 || max < 1 || min > max)
            {
                Invalid(min > max || min < 0 ? "AutoscalingMin" : "AutoscalingMax", $"AutoscalingMin {min} and AutoscalingMax {max} must satisfy 0 <= min <= max and max >= 1.");
            }
        }
        else
        {
            foreach (var setting in WorkerSettings.Where(Has))
            {
                Ignored(setting, $"{setting} is only used by the ecs:worker service; service '{service}' ignores it.");
            }
        }

        return new FlowTaskDefinition(name, symbol.ToDisplayString(), $"rheo:task:{name}", service, timeout, cpu, memory, worker ? spec : null, concurrency, heartbeat, min, max);
    }

    private JsonObject Schedule(AttributeData attribute, AttributeSyntax syntax)
    {
        var expression = attribute.ConstructorArguments.FirstOrDefault().Value as string ?? string.Empty;
        if (!IsScheduleExpression(expression))
        {
            _diagnostics.Error(FlowDiagnosticCodes.InvalidAttribute, syntax, $"'{expression}' is not a schedule expression: write 'rate(N minute|minutes|hour|hours|day|days)' (singular for 1) or 'cron(minutes hours day-of-month month day-of-week year)' with '?' in one of the day fields.");
        }

        return new JsonObject { ["type"] = "schedule", ["expression"] = expression };
    }

    internal static bool IsScheduleExpression(string expression)
    {
        var rate = RateExpression().Match(expression);
        if (rate.Success)
        {
            var value = long.TryParse(rate.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
            return value > 0 && (value == 1) == !rate.Groups[2].Value.EndsWith('s');
        }

        var cron = CronExpression().Match(expression);
        if (!cron.Success)
        {
            return false;
        }

        var fields = cron.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 6 && (fields[2] == "?") != (fields[4] == "?");
    }

    private JsonObject Subscribe(AttributeData attribute, AttributeSyntax syntax)
    {
        var arguments = attribute.AttributeConstructor?.Parameters.Select((p, i) => (p.Name, attribute.ConstructorArguments[i].Value)).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal) ?? [];
        var project = arguments.GetValueOrDefault("project") as string;
        var topic = arguments.GetValueOrDefault("topicArnImportValue") as string;
        var machine = arguments.GetValueOrDefault("stateMachine") as string ?? "Main";
        var status = arguments.GetValueOrDefault("status") as string ?? "success";
        if (string.IsNullOrEmpty(project) == string.IsNullOrEmpty(topic))
        {
            _diagnostics.Error(FlowDiagnosticCodes.InvalidAttribute, syntax, "[Subscribe] needs exactly one of project: (another project's state machine) and topicArnImportValue: (an explicit topic).");
        }

        if (status is not ("success" or "failure"))
        {
            _diagnostics.Error(FlowDiagnosticCodes.InvalidAttribute, syntax, $"[Subscribe] status '{status}' is not a status; valid: success, failure.");
        }

        if (!string.IsNullOrEmpty(topic))
        {
            if (machine != "Main" || status != "success")
            {
                _diagnostics.Error(FlowDiagnosticCodes.InvalidAttribute, syntax, "[Subscribe] stateMachine: and status: select another project's topic; with topicArnImportValue: the topic is given, so leave them out.");
            }

            return new JsonObject { ["type"] = "subscribe", ["topicArnImportValue"] = topic };
        }

        return new JsonObject { ["type"] = "subscribe", ["project"] = project, ["stateMachine"] = machine, ["status"] = status };
    }

    private string Processor(AttributeData attribute, AttributeSyntax syntax)
    {
        if (attribute.ConstructorArguments.FirstOrDefault().Value is not INamedTypeSymbol type)
        {
            return "default";
        }

        if (!FlowSymbols.Derives(type, Symbols.EventProcessor) || !type.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == _tree))
        {
            _diagnostics.Error(FlowDiagnosticCodes.InvalidEventProcessor, syntax, $"[ProcessEvents] processor '{type.Name}' must be a class of this flow file deriving from EventProcessor.");
        }

        return type.Name;
    }

    [GeneratedRegex(@"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex RateExpression();

    [GeneratedRegex(@"^cron\(([^()]+)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex CronExpression();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\s*,\s*[A-Za-z_][A-Za-z0-9_.]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SpecFormat();
}

/// <summary>The Rheo.Flows symbols a flow file is read against.</summary>
internal sealed class FlowSymbols(Compilation compilation)
{
    public INamedTypeSymbol? FlowTask { get; } = compilation.GetTypeByMetadataName("Rheo.Flows.FlowTask");

    public INamedTypeSymbol? FlowData { get; } = compilation.GetTypeByMetadataName("Rheo.Flows.FlowData");

    public INamedTypeSymbol? Flow { get; } = compilation.GetTypeByMetadataName("Rheo.Flows.Flow");

    public INamedTypeSymbol? EventProcessor { get; } = compilation.GetTypeByMetadataName("Rheo.Flows.EventProcessor");

    public INamedTypeSymbol? TaskSettingsAttribute { get; } = compilation.GetTypeByMetadataName("Rheo.Flows.TaskSettingsAttribute");

    public INamedTypeSymbol? ScheduleAttribute { get; } = compilation.GetTypeByMetadataName("Rheo.Flows.ScheduleAttribute");

    public INamedTypeSymbol? SubscribeAttribute { get; } = compilation.GetTypeByMetadataName("Rheo.Flows.SubscribeAttribute");

    public INamedTypeSymbol? ExportAttribute { get; } = compilation.GetTypeByMetadataName("Rheo.Flows.ExportAttribute");

    public INamedTypeSymbol? ProcessEventsAttribute { get; } = compilation.GetTypeByMetadataName("Rheo.Flows.ProcessEventsAttribute");

    public INamedTypeSymbol? Exception { get; } = compilation.GetTypeByMetadataName("System.Exception");

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) => SymbolEqualityComparer.Default.Equals(type, expected);

    public static bool Derives(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        for (var t = type?.BaseType; t is not null; t = t.BaseType)
        {
            if (Is(t, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The ASL error name of an exception type: <c>States.ALL</c> for Exception, <c>Outer.Name</c> for a nested type, else its name.</summary>
    public string ErrorName(ITypeSymbol type)
    {
        if (Is(type, Exception))
        {
            return Rheo.States.ErrorNames.All;
        }

        var name = type.Name;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.Name + "." + name;
        }

        return name;
    }
}
