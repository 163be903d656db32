using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Rheo.CSharp.Scripts;

/// <summary>A compiler message about a script, with where it is.</summary>
/// <param name="Severity"><c>error</c> or <c>warning</c>.</param>
/// <param name="Code">The compiler's code, e.g. <c>CS0103</c>.</param>
/// <param name="Path">The script file (empty for code given as text).</param>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column, from 1.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ScriptDiagnostic(string Severity, string Code, string Path, int Line, int Column, string Message)
{
    /// <summary>Whether it stops the script from compiling.</summary>
    public bool IsError => Severity == "error";

    /// <summary>The compiler's usual form: <c>file:line:column: error CS0103: message</c>.</summary>
    public override string ToString() => Path.Length == 0
        ? string.Create(CultureInfo.InvariantCulture, $"({Line},{Column}): {Severity} {Code}: {Message}")
        : string.Create(CultureInfo.InvariantCulture, $"{Path}:{Line}:{Column}: {Severity} {Code}: {Message}");

    internal static ScriptDiagnostic From(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        return new ScriptDiagnostic(
            diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning",
            diagnostic.Id,
            span.Path ?? string.Empty,
            span.StartLinePosition.Line + 1,
            span.StartLinePosition.Character + 1,
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }
}
