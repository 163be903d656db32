using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Emit;

namespace Rheo.CSharp.Scripts;

/// <summary>Compiles a pipeline script to an assembly image with Roslyn.</summary>
internal static class ScriptCompiler
{
    public static (byte[]? Image, IReadOnlyList<ScriptDiagnostic> Diagnostics) Compile(string text, string path)
    {
        var script = CSharpScript.Create(text, ScriptReferences.Options(path), typeof(PipelineGlobals));
        using var image = new MemoryStream();
        var result = script.GetCompilation().Emit(image, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
        var diagnostics = result.Diagnostics
            .Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            .OrderBy(d => d.Location.GetMappedLineSpan().StartLinePosition)
            .Select(ScriptDiagnostic.From)
            .ToList();
        return (result.Success ? image.ToArray() : null, diagnostics);
    }
}
