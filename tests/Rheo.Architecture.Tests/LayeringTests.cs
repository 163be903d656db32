using System.Reflection;

namespace Rheo.Architecture.Tests;

/// <summary>
/// Arrows point down only (docs/architecture.md): a project may reference only projects of a lower layer,
/// and the pure layer references nothing but the base class library.
/// </summary>
public sealed class LayeringTests
{
    // Layer of every project under src/. A new project must be placed here before its build passes this test.
    private static readonly Dictionary<string, int> Layers = new(StringComparer.Ordinal)
    {
        ["Rheo.Core"] = 0,
        ["Rheo.States"] = 0,
        ["Rheo.Flows"] = 0,
        ["Rheo.Runtime"] = 1,
        ["Rheo.Storage.Sqlite"] = 2,
        ["Rheo.Storage.Postgres"] = 2,
        ["Rheo.Storage.Aws"] = 2,
        ["Rheo.CSharp"] = 2,
        ["Rheo.Cli"] = 3,
        ["Rheo.Dashboard"] = 3,
    };

    private static readonly string[] BaseClassLibraryPrefixes = ["System", "Microsoft.Win32", "netstandard", "mscorlib"];

    [Fact]
    public void Every_source_project_has_a_layer_and_is_checked_here()
    {
        var projects = Directory.GetDirectories(Path.Combine(RepositoryRoot(), "src"))
            .Where(d => Directory.GetFiles(d, "*.csproj").Length > 0)
            .Select(Path.GetFileName)
            .ToList();

        var unplaced = projects.Where(p => !Layers.ContainsKey(p!)).ToList();
        var notReferenced = projects.Where(p => !File.Exists(Path.Combine(AppContext.BaseDirectory, p + ".dll"))).ToList();

        Assert.True(unplaced.Count == 0, $"Projects without a layer in {nameof(LayeringTests)}: {string.Join(", ", unplaced)}");
        Assert.True(notReferenced.Count == 0, $"Projects not referenced by Rheo.Architecture.Tests, so not checked: {string.Join(", ", notReferenced)}");
    }

    [Fact]
    public void No_project_references_a_project_of_its_own_or_a_higher_layer()
    {
        var violations = new List<string>();

        foreach (var (name, layer) in LoadedProjects())
        {
            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                if (reference.Name is { } referenced && Layers.TryGetValue(referenced, out var referencedLayer) && referencedLayer >= layer)
                {
                    violations.Add($"{name} (layer {layer}) references {referenced} (layer {referencedLayer})");
                }
            }
        }

        Assert.True(violations.Count == 0, "Arrows must point down:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Pure_projects_reference_only_the_base_class_library()
    {
        var violations = new List<string>();

        foreach (var (name, _) in LoadedProjects().Where(p => p.Layer == 0))
        {
            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                if (!BaseClassLibraryPrefixes.Any(prefix => reference.Name!.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    violations.Add($"{name} references {reference.Name}");
                }
            }
        }

        Assert.True(violations.Count == 0, "Pure projects take no dependencies:\n" + string.Join("\n", violations));
    }

    private static IEnumerable<(string Name, int Layer)> LoadedProjects() =>
        Layers.Where(p => File.Exists(Path.Combine(AppContext.BaseDirectory, p.Key + ".dll")))
            .Select(p => (p.Key, p.Value));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rheo.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Rheo.slnx not found above " + AppContext.BaseDirectory);
    }
}
