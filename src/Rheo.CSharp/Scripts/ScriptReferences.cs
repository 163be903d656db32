using Microsoft.CodeAnalysis.Scripting;
using Rheo.Core.Signals;
using Rheo.Runtime;

namespace Rheo.CSharp.Scripts;

/// <summary>The assemblies and namespaces pipeline scripts and compute code see without <c>#r</c> or <c>using</c>.</summary>
internal static class ScriptReferences
{
    public static readonly string[] Imports =
    [
        "System", "System.Collections.Generic", "System.Globalization", "System.IO", "System.Linq", "System.Text", "System.Threading", "System.Threading.Tasks",
        "Rheo.Core.Dimensions", "Rheo.Core.Filters", "Rheo.Core.Links", "Rheo.Core.Signals",
        "Rheo.Runtime", "Rheo.Runtime.Compute", "Rheo.Runtime.Hooks", "Rheo.Runtime.Nodes", "Rheo.Runtime.StepFlows",
    ];

    public static ScriptOptions Options(string? path = null)
    {
        var options = ScriptOptions.Default
            .WithReferences(typeof(Application).Assembly, typeof(Signal).Assembly, typeof(System.Text.Json.JsonSerializer).Assembly, typeof(ScriptReferences).Assembly)
            .WithImports(Imports)
            .WithEmitDebugInformation(path is not null);
        return path is null ? options : options.WithFilePath(path).WithFileEncoding(System.Text.Encoding.UTF8);
    }
}
