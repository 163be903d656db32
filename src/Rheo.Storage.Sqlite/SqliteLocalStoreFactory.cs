using Rheo.Runtime.Storage;
using Rheo.Storage.Sqlite;

[assembly: LocalStoreFactory(typeof(SqliteLocalStoreFactory))]

namespace Rheo.Storage.Sqlite;

/// <summary>Opens the SQLite store of a local application root (<c>&lt;root&gt;/rheo.db</c>); <c>Application.Local</c> finds it through the assembly attribute.</summary>
public sealed class SqliteLocalStoreFactory : ILocalStoreFactory
{
    /// <summary>The name of the store file under an application root.</summary>
    public const string FileName = "rheo.db";

    /// <inheritdoc />
    public IRheoStore Open(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Directory.CreateDirectory(root);
        return SqliteRheoStore.Open(Path.Combine(root, FileName));
    }
}
