using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Rheo.Runtime.Compute;

/// <summary>Compiles C# compute code given as text (<see cref="ComputeTarget.CSharp"/>); implemented by the <c>Rheo.CSharp</c> adapter.</summary>
public interface ICSharpComputeCompiler
{
    /// <summary>Compiles the code once; the result runs it for an execution, or lists every error.</summary>
    CSharpComputeCompilation Compile(string code);
}

/// <summary>The outcome of compiling C# compute code.</summary>
/// <param name="Run">Runs the code for one attempt; null when it does not compile.</param>
/// <param name="Errors">Each error as <c>(line,column): error CSnnnn: message</c>; empty when it compiles.</param>
public sealed record CSharpComputeCompilation(Func<ComputeContext, CancellationToken, Task>? Run, IReadOnlyList<string> Errors);

/// <summary>Names the <see cref="ICSharpComputeCompiler"/> of an adapter assembly so the engine finds it without a compile-time reference.</summary>
/// <param name="compilerType">A type implementing <see cref="ICSharpComputeCompiler"/> with a public parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class CSharpComputeCompilerAttribute(Type compilerType) : Attribute
{
    /// <summary>The compiler type.</summary>
    public Type CompilerType { get; } = compilerType;
}

/// <summary>Finds the compiler in the <c>Rheo.CSharp</c> assembly on first use and keeps each compiled code by its text for the life of the process.</summary>
/// <remarks>The engine must not reference the Roslyn adapter (see docs/decisions/0040-csharp-code-and-pipeline-scripts.md), and a process that never runs C# code never loads Roslyn.</remarks>
internal static class CSharpCompute
{
    private const string AdapterAssembly = "Rheo.CSharp";
    private static readonly ConcurrentDictionary<string, Lazy<CSharpComputeCompilation>> Compiled = new(StringComparer.Ordinal);
    private static readonly Lazy<ICSharpComputeCompiler> Compiler = new(LoadCompiler);

    /// <summary>The code's compiled runner.</summary>
    /// <exception cref="InvalidOperationException">The code does not compile (the message lists the errors), or the adapter is missing.</exception>
    public static Func<ComputeContext, CancellationToken, Task> Get(string code)
    {
        var compilation = Compile(code);
        return compilation.Run ?? throw new InvalidOperationException($"The C# compute code does not compile: {string.Join("; ", compilation.Errors)}");
    }

    /// <summary>The code's compile errors (empty when it compiles).</summary>
    /// <exception cref="InvalidOperationException">The adapter is missing.</exception>
    public static IReadOnlyList<string> Errors(string code) => Compile(code).Errors;

    /// <summary>A short, stable name of the code for compute records.</summary>
    public static string ShortHash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)))[..12];

    private static CSharpComputeCompilation Compile(string code) =>
        Compiled.GetOrAdd(code, c => new Lazy<CSharpComputeCompilation>(() => Compiler.Value.Compile(c))).Value;

    private static ICSharpComputeCompiler LoadCompiler()
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(AdapterAssembly);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new InvalidOperationException("C# compute code needs the Roslyn adapter: add a reference to the Rheo.CSharp package (the rheo command line has it).", e);
        }

        var attribute = assembly.GetCustomAttribute<CSharpComputeCompilerAttribute>()
            ?? throw new InvalidOperationException($"The assembly {AdapterAssembly} does not declare a [CSharpComputeCompiler].");
        return (ICSharpComputeCompiler)Activator.CreateInstance(attribute.CompilerType)!;
    }
}
