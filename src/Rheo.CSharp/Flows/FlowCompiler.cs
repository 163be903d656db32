using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Rheo.Flows;
using StatesSeverity = Rheo.States.Validation.DiagnosticSeverity;

namespace Rheo.CSharp.Flows;

/// <summary>Compiles a flow file (C# source) into Amazon States Language state machines and a manifest.</summary>
/// <remarks>
/// The file is compiled with Roslyn against the base class library and <c>Rheo.Flows</c> (with the SDK's implicit
/// usings), so C# errors are reported too; its state machine methods are then read, never run. Thread-safe; the
/// metadata references are loaded once per process.
/// </remarks>
public static class FlowCompiler
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    // The usings `<ImplicitUsings>enable</ImplicitUsings>` gives an SDK project, so a flow file that builds in the
    // user's project builds here, and the other way round.
    private static readonly SyntaxTree ImplicitUsings = CSharpSyntaxTree.ParseText(
        """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """,
        ParseOptions,
        path: "ImplicitUsings.g.cs");

    internal static CSharpParseOptions ParseOptions => CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);

    /// <summary>Compiles the flow source; <see cref="FlowCompilation.Diagnostics"/> holds every problem found, all at once.</summary>
    /// <param name="source">The C# text.</param>
    /// <param name="path">The file's path, used in diagnostics.</param>
    public static FlowCompilation Compile(string source, string path)
    {
        var tree = CSharpSyntaxTree.ParseText(source, ParseOptions, path);
        var compilation = CSharpCompilation.Create(
            "Rheo.Flow." + Guid.NewGuid().ToString("N"),
            [tree, ImplicitUsings],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));

        var diagnostics = new FlowDiagnostics(path);
        foreach (var error in compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error))
        {
            diagnostics.Add(error.Id, StatesSeverity.Error, error.Location, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        var reader = new FlowReader(compilation, tree, diagnostics);
        var tasks = reader.ReadTasks();
        var processors = reader.ReadEventProcessors();
        var machines = reader.ReadStateMachines(tasks);
        var sorted = diagnostics.Sorted();
        var failed = sorted.Any(d => d.Severity == StatesSeverity.Error);
        return new FlowCompilation(
            path,
            sorted,
            failed ? [] : machines,
            failed ? [] : [.. tasks.Values.Select(t => t.Definition)],
            failed ? [] : processors,
            compilation);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty).Split(Path.PathSeparator);
        var files = trusted.Where(f => string.Equals(Path.GetDirectoryName(f), framework, StringComparison.Ordinal))
            .Append(typeof(FlowTask).Assembly.Location)
            .Distinct(StringComparer.Ordinal);
        return [.. files.Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))];
    }
}

/// <summary>Collects diagnostics with their source positions, without duplicates (an iterator used twice is read twice).</summary>
internal sealed class FlowDiagnostics(string path)
{
    private readonly List<(FlowDiagnostic Diagnostic, int Position)> _items = [];
    private readonly HashSet<(string, int, string)> _seen = [];

    public bool HasErrors => _items.Any(i => i.Diagnostic.Severity == StatesSeverity.Error);

    public void Error(string code, SyntaxNode node, string message) => Add(code, StatesSeverity.Error, node.GetLocation(), message);

    public void Warning(string code, SyntaxNode node, string message) => Add(code, StatesSeverity.Warning, node.GetLocation(), message);

    public void Add(string code, StatesSeverity severity, Location location, string message)
    {
        var position = location.SourceSpan.Start;
        if (!_seen.Add((code, position, message)))
        {
            return;
        }

        var line = location.GetLineSpan();
        var file = location.IsInSource && location.SourceTree!.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) ? location.SourceTree.FilePath : path;
        _items.Add((new FlowDiagnostic(code, severity, file, line.StartLinePosition.Line + 1, line.StartLinePosition.Character + 1, message), position));
    }

    public IReadOnlyList<FlowDiagnostic> Sorted() =>
        [.. _items.OrderBy(i => i.Diagnostic.Line).ThenBy(i => i.Diagnostic.Column).ThenBy(i => i.Diagnostic.Code, StringComparer.Ordinal).Select(i => i.Diagnostic)];
}
