using Rheo.CSharp.Flows;
using Rheo.States;

namespace Rheo.CSharp.Tests.Flows;

/// <summary>
/// Every flow under Snapshots/ compiles without errors to the golden files beside it (<c>name/</c>: one
/// <c>.asl.json</c> per exported state machine and <c>manifest.json</c>), and every definition passes the validator.
/// Set RHEO_UPDATE_SNAPSHOTS=1 to rewrite the golden files from the compiler's output, then review the diff.
/// </summary>
public sealed class SnapshotTests
{
    public static TheoryData<string> Flows() => [.. Directory.GetFiles(FlowFiles.Output("Snapshots"), "*.cs").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Flows))]
    public async Task Flow_compiles_to_its_golden_definitions_and_manifest(string name)
    {
        var file = Path.Combine(FlowFiles.Output("Snapshots"), name + ".cs");
        var actual = Directory.CreateTempSubdirectory("rheo-snapshot").FullName;

        var compilation = FlowCompiler.Compile(await File.ReadAllTextAsync(file), name + ".cs");

        Assert.Empty(compilation.Diagnostics);
        await compilation.WriteAsync(actual, CancellationToken.None);
        try
        {
            var expected = Path.Combine(FlowFiles.Output("Snapshots"), name);
            if (Environment.GetEnvironmentVariable("RHEO_UPDATE_SNAPSHOTS") == "1")
            {
                var source = Path.Combine(FlowFiles.Source("Snapshots"), name);
                if (Directory.Exists(source))
                {
                    Directory.Delete(source, recursive: true);
                }

                Directory.CreateDirectory(source);
                foreach (var written in Directory.GetFiles(actual))
                {
                    File.Copy(written, Path.Combine(source, Path.GetFileName(written)));
                }

                return;
            }

            var expectedFiles = Directory.Exists(expected) ? Directory.GetFiles(expected).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList() : [];
            Assert.Equal(expectedFiles, Directory.GetFiles(actual).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
            foreach (var golden in expectedFiles)
            {
                Assert.Equal(await File.ReadAllTextAsync(Path.Combine(expected, golden!)), await File.ReadAllTextAsync(Path.Combine(actual, golden!)));
            }

            foreach (var machine in compilation.StateMachines)
            {
                Assert.Empty(StateMachineDefinition.Validate(machine.DefinitionJson));
            }
        }
        finally
        {
            Directory.Delete(actual, recursive: true);
        }
    }
}
