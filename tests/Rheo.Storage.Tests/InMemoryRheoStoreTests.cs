using Rheo.Runtime.Storage;
using Rheo.Storage.Tests.Contract;

namespace Rheo.Storage.Tests;

/// <summary>The reference store against the contract.</summary>
public sealed class InMemoryRheoStoreTests : RheoStoreContractTests
{
    protected override Task<IRheoStore> CreateStoreAsync() => Task.FromResult<IRheoStore>(new InMemoryRheoStore());
}
