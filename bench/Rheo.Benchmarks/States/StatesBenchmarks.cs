using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Rheo.Cli.Bench;
using Rheo.Runtime.States;
using Rheo.States;
using Rheo.States.Execution;

namespace Rheo.Benchmarks.States;

/// <summary>The ASL interpreter and runner on the figures of issue 5 (rheo bench states gives quick numbers).</summary>
[MemoryDiagnoser]
public class StatesBenchmarks
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ExecutionOptions Options = new() { StateMachineName = "bench", ExecutionName = "bench" };

    private readonly StateMachineRunner _runner = new();
    private ExecutionStart _start = null!;
    private StateMachineInterpreter _chain = null!;
    private StateMachineInterpreter _chainWithHistory = null!;
    private StateMachineDefinition _chainDefinition = null!;
    private StateMachineDefinition _map = null!;
    private StateMachineDefinition _ten = null!;
    private JsonNode _items1000 = null!;
    private JsonNode _items100000 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _start = ExecutionStart.Create(new JsonObject { ["a"] = 1 }, "bench", "bench", "123456789012", "us-east-1");
        _chainDefinition = StateMachineDefinition.Parse(StatesScenarios.PassChain(200));
        _chain = new StateMachineInterpreter(_chainDefinition, new InterpreterOptions { RecordHistory = false });
        _chainWithHistory = new StateMachineInterpreter(_chainDefinition);
        _map = StateMachineDefinition.Parse(StatesScenarios.MapOfThreePasses());
        _ten = StateMachineDefinition.Parse(StatesScenarios.TenStates());
        _items1000 = StatesScenarios.Items(1_000);
        _items100000 = StatesScenarios.Items(100_000);
    }

    /// <summary>200 transitions in one pure step; transitions/s = 200 / mean.</summary>
    [Benchmark]
    public ExecutionState PassChain200Interpreter() => _chain.Start(_start, Now).State;

    [Benchmark]
    public ExecutionState PassChain200InterpreterWithHistory() => _chainWithHistory.Start(_start, Now).State;

    [Benchmark]
    public Task<ExecutionResult> PassChain200Runner() => _runner.RunAsync(_chainDefinition, _start.Input, Options, CancellationToken.None);

    /// <summary>3,001 transitions: the Map state and 1,000 iterations of 3 Pass states.</summary>
    [Benchmark]
    public Task<ExecutionResult> Map1000x3PassRunner() => _runner.RunAsync(_map, _items1000, Options, CancellationToken.None);

    [Benchmark]
    public async Task SequentialExecutions100x10StatesRunner()
    {
        for (var i = 0; i < 100; i++)
        {
            await _runner.RunAsync(_ten, _start.Input, Options, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Allocation of a Map over 100,000 items (see the MemoryDiagnoser column).</summary>
    [Benchmark]
    public Task<ExecutionResult> Map100000x3PassRunner() => _runner.RunAsync(_map, _items100000, Options, CancellationToken.None);
}
