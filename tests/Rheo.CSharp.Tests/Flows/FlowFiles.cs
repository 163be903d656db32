namespace Rheo.CSharp.Tests.Flows;

/// <summary>Where the flow files of the tests are: copied to the output, and in the source tree for updating snapshots.</summary>
internal static class FlowFiles
{
    public static string Output(string folder) => Path.Combine(AppContext.BaseDirectory, "Flows", folder);

    public static string Source(string folder)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rheo.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "Rheo.CSharp.Tests", "Flows", folder);
            }
        }

        throw new InvalidOperationException("Rheo.slnx not found above " + AppContext.BaseDirectory);
    }
}
