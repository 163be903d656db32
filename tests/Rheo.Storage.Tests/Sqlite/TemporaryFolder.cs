namespace Rheo.Storage.Tests.Sqlite;

/// <summary>A folder of its own for one test, deleted by the test when it ends.</summary>
// Not IDisposable: xunit test classes dispose through IAsyncLifetime, and an owned disposable field would then need both.
internal sealed class TemporaryFolder
{
    public TemporaryFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rheo-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Delete()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
