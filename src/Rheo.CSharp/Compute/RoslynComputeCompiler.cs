using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Rheo.CSharp.Compute;
using Rheo.CSharp.Scripts;
using Rheo.Runtime.Compute;

[assembly: CSharpComputeCompiler(typeof(RoslynComputeCompiler))]

namespace Rheo.CSharp.Compute;

/// <summary>Compiles C# compute code as a Roslyn script over <see cref="ComputeGlobals"/>.</summary>
internal sealed class RoslynComputeCompiler : ICSharpComputeCompiler
{
    public CSharpComputeCompilation Compile(string code)
    {
        var script = CSharpScript.Create(code, ScriptReferences.Options(), typeof(ComputeGlobals));
        var errors = script.Compile()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => ScriptDiagnostic.From(d).ToString())
            .ToList();
        if (errors.Count > 0)
        {
            return new CSharpComputeCompilation(null, errors);
        }

        var run = script.CreateDelegate();
        return new CSharpComputeCompilation((context, cancellationToken) => run(new ComputeGlobals(context, cancellationToken), cancellationToken), []);
    }
}
